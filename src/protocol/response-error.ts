import { ResponseError } from 'vscode-jsonrpc/lib/common/api.js';
import { isBridgeError } from '../shared/bridge-error.js';
import { cancelled, unexpected } from '../shared/failures.js';

/**
 * What a failed call answers. Engines have already said what failed as a BridgeError; anything
 * else is a fault of the bridge, and said as such.
 */
export const toResponseError = (error: unknown, wasCancelled: boolean): ResponseError<unknown> => {
  if (error instanceof ResponseError) return error;
  const failure = wasCancelled ? cancelled() : isBridgeError(error) ? error : unexpected(error);
  return new ResponseError(failure.code, failure.message, failure.data);
};
