import { type CompiledMethod, compileMethod, type MethodDefinition } from './define-method.js';
import { execInContainer } from './exec-in-container.js';
import { getContainerInfo } from './get-container-info.js';
import { getEngine } from './get-engine.js';
import { getImages } from './get-images.js';
import { getOnlineManifest } from './get-online-manifest.js';
import { importImage } from './import-image.js';
import { prune } from './prune.js';
import { removeImage } from './remove-image.js';
import { runContainer } from './run-container.js';
import { stopContainer } from './stop-container.js';

/** Brainstorm's bst_containers set, named exactly as the MATLAB subfunctions, and Prune. */
export const METHODS = [
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
] as unknown as MethodDefinition[];

export const compileMethods = (): Map<string, CompiledMethod> =>
  new Map(METHODS.map((definition) => [definition.name, compileMethod(definition)]));
