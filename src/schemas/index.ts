import type { MethodSchema } from './define-schema.js';
import { execInContainer } from './exec-in-container.js';
import { getContainerInfo } from './get-container-info.js';
import { getEngine } from './get-engine.js';
import { getImages } from './get-images.js';
import { getOnlineManifest } from './get-online-manifest.js';
import { getVersion } from './get-version.js';
import { importImage } from './import-image.js';
import { prune } from './prune.js';
import { removeImage } from './remove-image.js';
import { runContainer } from './run-container.js';
import { stopContainer } from './stop-container.js';

/** Brainstorm's bst_containers set, named exactly as the MATLAB subfunctions, then Prune and GetVersion. */
export const METHOD_SCHEMAS = [
  getEngine,
  getImages,
  importImage,
  runContainer,
  execInContainer,
  getContainerInfo,
  stopContainer,
  removeImage,
  getOnlineManifest,
  prune,
  getVersion,
] as unknown as MethodSchema[];
