// The names alone, without zod: a bridge answers an unknown method, or a client lists the methods,
// before any schema is built.

/**
 * Brainstorm's bst_containers set, named exactly as the MATLAB subfunctions, then Prune and
 * GetVersion, then OpenRPC's service discovery.
 */
export const METHOD_NAMES = [
  'GetEngine',
  'GetImages',
  'ImportImage',
  'RunContainer',
  'ExecInContainer',
  'GetContainerInfo',
  'StopContainer',
  'RemoveImage',
  'GetOnlineManifest',
  'Prune',
  'GetVersion',
  'rpc.discover',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

export const isMethodName = (name: string): name is MethodName =>
  (METHOD_NAMES as readonly string[]).includes(name);
