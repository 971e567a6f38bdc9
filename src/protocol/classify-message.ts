import { ErrorCode } from '../shared/error-codes.js';
import { isPlainObject, isRequestId, type Message, type ResponseMessage } from './messages.js';

export type LineOutcome =
  | { kind: 'message'; message: Message }
  | { kind: 'reply'; reply: ResponseMessage }
  | { kind: 'ignore'; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

const errorReply = (id: unknown, code: number, message: string): LineOutcome => ({
  kind: 'reply',
  reply: { jsonrpc: '2.0', id: isRequestId(id) ? id : null, error: { code, message } },
});

const invalid = (id: unknown, why: string) =>
  errorReply(id, ErrorCode.InvalidRequest, `Invalid Request: ${why}`);

/**
 * Decides what one input line is. vscode-jsonrpc answers nothing for lines that are not JSON or
 * not valid requests, and does not check `"jsonrpc": "2.0"`; JSON-RPC 2.0 wants an error reply.
 */
export const classifyLine = (line: Buffer): LineOutcome => {
  let text: string;
  try {
    text = decoder.decode(line);
  } catch {
    return errorReply(null, ErrorCode.ParseError, 'Parse error: the line is not valid UTF-8');
  }
  if (text.trim() === '') return { kind: 'ignore', reason: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return errorReply(null, ErrorCode.ParseError, `Parse error: ${(error as Error).message}`);
  }
  return classifyValue(value);
};

const classifyValue = (value: unknown): LineOutcome => {
  if (Array.isArray(value)) {
    return invalid(
      null,
      value.length === 0 ? 'empty batch' : 'batches are not supported; send one JSON-RPC message per line',
    );
  }
  if (!isPlainObject(value)) return invalid(null, 'a message must be a JSON object');
  const { id } = value;
  if (value.jsonrpc !== '2.0') return invalid(id, '"jsonrpc" must be exactly "2.0"');
  if ('method' in value) {
    if (typeof value.method !== 'string' || value.method === '') {
      return invalid(id, '"method" must be a non-empty string');
    }
    if ('id' in value && !isRequestId(id)) return invalid(null, '"id" must be a string or a number');
    if ('params' in value && (typeof value.params !== 'object' || value.params === null)) {
      return invalid(id, '"params" must be an object or an array');
    }
    return { kind: 'message', message: value as unknown as Message };
  }
  if ('result' in value || 'error' in value)
    return { kind: 'ignore', reason: 'response to no request of ours' };
  return invalid(id, 'no "method"');
};
