import { METHOD_SCHEMAS } from '../schemas/index.js';
import type { Method } from './define-method.js';
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

const HANDLERS = [
  execInContainer,
  getContainerInfo,
  getEngine,
  getImages,
  getOnlineManifest,
  getVersion,
  importImage,
  prune,
  removeImage,
  runContainer,
  stopContainer,
] as unknown as Method[];

/** Every method by name, in the order of the schemas (the MATLAB subfunctions', then Prune and GetVersion). */
export const methodTable = (): Map<string, Method> => {
  const byName = new Map(HANDLERS.map((method) => [method.schema.name, method]));
  return new Map(METHOD_SCHEMAS.map((schema) => [schema.name, byName.get(schema.name) as Method]));
};
