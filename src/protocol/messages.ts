import type { Message } from 'vscode-jsonrpc/lib/common/api.js';

export type RequestId = string | number;

export interface ResponseError {
  code: number;
  message: string;
  data?: unknown;
}

export interface ResponseMessage {
  jsonrpc: '2.0';
  id: RequestId | null;
  result?: unknown;
  error?: ResponseError;
}

export type { Message };

export const isRequestId = (value: unknown): value is RequestId =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
