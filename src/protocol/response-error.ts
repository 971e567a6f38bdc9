import { ResponseError } from 'vscode-jsonrpc/node.js';
import { isEngineHttpError } from '../engines/docker/docker-api.js';
import { isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';

/** What a failed call answers: the bridge's message, with the engine's own words in `data`. */
export const toResponseError = (error: unknown, cancelled: boolean): ResponseError<unknown> => {
  if (cancelled) return new ResponseError(ErrorCode.RequestCancelled, 'Request cancelled');
  if (error instanceof ResponseError) return error;
  if (isBridgeError(error)) return new ResponseError(error.code, error.message, error.data);
  if (isEngineHttpError(error)) {
    return new ResponseError(
      ErrorCode.EngineFailed,
      `The container engine refused the call: ${error.message}`,
      {
        statusCode: error.statusCode,
        engineMessage: error.message,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(ErrorCode.InternalError, `Internal error: ${message}`);
};
