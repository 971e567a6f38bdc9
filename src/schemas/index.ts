import type { MethodSchema } from './define-schema.js';
import { execInContainer } from './exec-in-container.js';
import { getContainerInfo } from './get-container-info.js';
import { getEngine } from './get-engine.js';
import { getImages } from './get-images.js';
import { getOnlineManifest } from './get-online-manifest.js';
import { getVersion } from './get-version.js';
import { importImage } from './import-image.js';
import { METHOD_NAMES, type MethodName } from './method-names.js';
import { prune } from './prune.js';
import { removeImage } from './remove-image.js';
import { rpcDiscover } from './rpc-discover.js';
import { runContainer } from './run-container.js';
import { stopContainer } from './stop-container.js';

/** Each name's schema; the type makes every name have one, under its own name. */
const SCHEMAS = {
  GetEngine: getEngine,
  GetImages: getImages,
  ImportImage: importImage,
  RunContainer: runContainer,
  ExecInContainer: execInContainer,
  GetContainerInfo: getContainerInfo,
  StopContainer: stopContainer,
  RemoveImage: removeImage,
  GetOnlineManifest: getOnlineManifest,
  Prune: prune,
  GetVersion: getVersion,
  'rpc.discover': rpcDiscover,
} satisfies { [Name in MethodName]: { name: Name } };

/** Each method's schema by name, as types: what a typed client infers its params and results from. */
export type MethodSchemas = typeof SCHEMAS;

/** Every method's schema, in the order of METHOD_NAMES. */
export const METHOD_SCHEMAS = METHOD_NAMES.map((name) => SCHEMAS[name]) as MethodSchema[];
