import type { ErrorCode } from './error-codes.js';

/**
 * The one error class the bridge throws on purpose. `message` is what a MATLAB user reads as
 * errMsg (what failed and what to do); `data` keeps the engine's own words; `cause` keeps the
 * original error for logs.
 */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BridgeError';
    this.code = code;
    this.data = options.data;
  }
}

export const isBridgeError = (value: unknown): value is BridgeError => value instanceof BridgeError;
