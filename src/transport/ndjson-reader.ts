import type { Readable } from 'node:stream';
import { AbstractMessageReader, type DataCallback, type Disposable } from 'vscode-jsonrpc/node.js';
import { classifyLine } from '../protocol/classify-message.js';
import type { ResponseMessage } from '../protocol/messages.js';
import { LineSplitter } from './line-splitter.js';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Reads one JSON-RPC message per line. Lines that are not valid JSON-RPC never reach
 * vscode-jsonrpc (which would drop them silently); their error replies go to `reply` instead.
 */
export class NdjsonReader extends AbstractMessageReader {
  /** Requests handed on so far: the server waits for as many answers before it lets the process end. */
  requestsRead = 0;

  constructor(
    private readonly input: Readable,
    private readonly reply: (response: ResponseMessage) => void,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const splitter = new LineSplitter(this.maxLineBytes, {
      onLine: (line) => {
        const outcome = classifyLine(line);
        if (outcome.kind === 'message') {
          if ('id' in outcome.message) this.requestsRead++;
          callback(outcome.message);
        } else if (outcome.kind === 'reply') this.reply(outcome.reply);
      },
      onOversize: (size) =>
        this.reply({
          jsonrpc: '2.0',
          id: null,
          error: {
            code: -32600,
            message: `Line of ${size} bytes is longer than the limit of ${this.maxLineBytes} bytes; it was ignored`,
          },
        }),
    });
    const onData = (chunk: Buffer) => splitter.push(chunk);
    const onEnd = () => {
      splitter.end();
      this.fireClose();
    };
    const onError = (error: Error) => this.fireError(error);
    this.input.on('data', onData);
    this.input.on('end', onEnd);
    this.input.on('error', onError);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('end', onEnd);
        this.input.off('error', onError);
      },
    };
  }
}
