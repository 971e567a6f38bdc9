import { ErrorCode } from '../shared/error-codes.js';
import { classifyLine } from './classify-message.js';
import type { Message, ResponseMessage } from './messages.js';

/**
 * Takes the raw lines the transport frames: valid JSON-RPC goes on to the connection, anything
 * else is answered here. Counts the requests, which the server waits for before it ends.
 */
export class LineIntake {
  requestsRead = 0;

  constructor(private readonly reply: (response: ResponseMessage) => void) {}

  readonly line = (line: Buffer): Message | undefined => {
    const outcome = classifyLine(line);
    if (outcome.kind === 'reply') this.reply(outcome.reply);
    if (outcome.kind !== 'message') return undefined;
    if ('id' in outcome.message) this.requestsRead++;
    return outcome.message;
  };

  readonly oversize = (size: number, limit: number): void =>
    this.reply({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: ErrorCode.InvalidRequest,
        message: `Line of ${size} bytes is longer than the limit of ${limit} bytes; it was ignored`,
      },
    });

  /** Cancellations skip vscode-jsonrpc's queue: they never wait to be taken. */
  readonly skipsQueue = (message: Message): boolean =>
    (message as { method?: string }).method === '$/cancelRequest';
}
