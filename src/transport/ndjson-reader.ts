import type { Readable } from 'node:stream';
import {
  AbstractMessageReader,
  type DataCallback,
  type Disposable,
  type Message,
} from 'vscode-jsonrpc/node.js';
import { classifyLine } from '../protocol/classify-message.js';
import type { ResponseMessage } from '../protocol/messages.js';
import { LineSplitter } from './line-splitter.js';

/** Messages read but not yet taken by the connection, past which reading pauses. */
const HIGH_MESSAGES = 1024;
const HIGH_BYTES = 4 * 1024 * 1024;

/** Far above any real call (a 1,000,000-character cmdStr is at most 6 MB of JSON); bounds memory. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Reads one JSON-RPC message per line. Lines that are not valid JSON-RPC never reach
 * vscode-jsonrpc (which would drop them silently); their error replies go to `reply` instead.
 */
export class NdjsonReader extends AbstractMessageReader {
  /** Requests handed on so far: the server waits for as many answers before it lets the process end. */
  requestsRead = 0;
  private readonly sizes = new WeakMap<Message, number>();
  private waiting = 0;
  private waitingBytes = 0;

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
          this.hold(outcome.message, line.length);
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

  /**
   * vscode-jsonrpc takes one queued message per turn of the event loop but would read a flood
   * whole: past the high-water mark reading pauses until it catches up, so memory stays bounded
   * whatever a client sends. Cancellations are not counted: they do not wait in its queue.
   */
  private hold(message: Message, bytes: number): void {
    if ((message as { method?: string }).method === '$/cancelRequest') return;
    this.sizes.set(message, bytes);
    this.waiting++;
    this.waitingBytes += bytes;
    if (this.waiting >= HIGH_MESSAGES || this.waitingBytes >= HIGH_BYTES) this.input.pause();
  }

  /** The connection took `message` from its queue (its message strategy calls this). */
  taken(message: Message): void {
    const bytes = this.sizes.get(message);
    if (bytes === undefined) return;
    this.sizes.delete(message);
    this.waiting--;
    this.waitingBytes -= bytes;
    if (this.input.isPaused() && this.waiting < HIGH_MESSAGES / 2 && this.waitingBytes < HIGH_BYTES / 2)
      this.input.resume();
  }
}
