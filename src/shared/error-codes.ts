/** JSON-RPC 2.0 codes, plus the bridge's own in the server range (-32000 to -32099). */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  RequestCancelled: -32800,

  EngineNotFound: -32001,
  EngineNotAnswering: -32002,
  EngineFailed: -32004,
  ContainerNotFound: -32010,
  ImageNotFound: -32011,
  Conflict: -32012,
  CommandFailed: -32020,
  RegistryFailed: -32030,
  DownloadFailed: -32031,
  FileNotFound: -32032,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
