import type { MethodName } from '../schemas/method-names.js';
import type { Method } from './define-method.js';

// Each handler, with its schema and the engines it calls, loads at the method's first call: a start
// costs only what it uses (`npm run bench`, cold start).
const LOADERS: { [Name in MethodName]: () => Promise<{ schema: { name: Name } }> } = {
  GetEngine: async () => (await import('./get-engine.js')).getEngine,
  GetImages: async () => (await import('./get-images.js')).getImages,
  ImportImage: async () => (await import('./import-image.js')).importImage,
  RunContainer: async () => (await import('./run-container.js')).runContainer,
  ExecInContainer: async () => (await import('./exec-in-container.js')).execInContainer,
  GetContainerInfo: async () => (await import('./get-container-info.js')).getContainerInfo,
  StopContainer: async () => (await import('./stop-container.js')).stopContainer,
  RemoveImage: async () => (await import('./remove-image.js')).removeImage,
  GetOnlineManifest: async () => (await import('./get-online-manifest.js')).getOnlineManifest,
  Prune: async () => (await import('./prune.js')).prune,
  GetVersion: async () => (await import('./get-version.js')).getVersion,
  'rpc.discover': async () => (await import('./rpc-discover.js')).rpcDiscover,
};

export const loadMethod = async (name: MethodName): Promise<Method> =>
  (await LOADERS[name]()) as unknown as Method;
