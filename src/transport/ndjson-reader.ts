import type { Readable } from 'node:stream';
import {
  AbstractMessageReader,
  type DataCallback,
  type Disposable,
  type Message,
} from 'vscode-jsonrpc/lib/common/api.js';
import { LineSplitter } from './line-splitter.js';

/** Messages read but not yet taken by the connection, past which reading pauses. */
const HIGH_MESSAGES = 1024;
const HIGH_BYTES = 4 * 1024 * 1024;

/** Far above any real call (a 1,000,000-character cmdStr is at most 6 MB of JSON); bounds memory. */
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What the reader does with the lines it frames: it knows no message rules of its own. */
export interface LineHandlers {
  /** The message a line holds, or undefined when the line was dealt with (answered, ignored). */
  line(line: Buffer): Message | undefined;
  oversize(size: number, limit: number): void;
  /** Messages the connection handles at once, without queueing them: not counted as waiting. */
  skipsQueue?(message: Message): boolean;
}

/** Frames one message per line for vscode-jsonrpc, with bounded memory whatever a client sends. */
export class NdjsonReader extends AbstractMessageReader {
  private readonly sizes = new WeakMap<Message, number>();
  private waiting = 0;
  private waitingBytes = 0;
  private ended = false;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly input: Readable,
    private readonly handlers: LineHandlers,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const splitter = new LineSplitter(this.maxLineBytes, {
      onLine: (line) => {
        const message = this.handlers.line(line);
        if (!message) return;
        this.hold(message, line.length);
        callback(message);
      },
      onOversize: (size) => this.handlers.oversize(size, this.maxLineBytes),
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
    this.stopListening = () => {
      this.input.off('data', onData);
      this.input.off('end', onEnd);
      this.input.off('error', onError);
    };
    return { dispose: this.stopListening };
  }

  /**
   * Reads nothing more, as if the input had ended: the bridge is going down while its client
   * may still write (a Slurm job ends). A line not yet whole is dropped.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopListening?.();
    this.input.pause();
    this.fireClose();
  }

  /**
   * vscode-jsonrpc takes one queued message per turn of the event loop but would read a flood
   * whole: past the high-water mark reading pauses until it catches up, so memory stays bounded
   * whatever a client sends.
   */
  private hold(message: Message, bytes: number): void {
    if (this.handlers.skipsQueue?.(message)) return;
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
    if (
      !this.ended &&
      this.input.isPaused() &&
      this.waiting < HIGH_MESSAGES / 2 &&
      this.waitingBytes < HIGH_BYTES / 2
    )
      this.input.resume();
  }
}
