import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message } from 'vscode-jsonrpc/lib/common/api.js';

/**
 * Writes one JSON text per line. The stream keeps the order; lines written in the same tick go
 * out in one system call (cork until the next tick), which is what pipelined clients need.
 */
export class NdjsonWriter extends AbstractMessageWriter {
  private corked = false;
  private errorCount = 0;

  constructor(private readonly output: Writable) {
    super();
    output.on('error', (error) => this.fireError(error, undefined, ++this.errorCount));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    if (this.output.destroyed || this.output.writableEnded) return Promise.resolve();
    if (!this.corked) {
      this.corked = true;
      this.output.cork();
      process.nextTick(() => {
        this.corked = false;
        this.output.uncork();
      });
    }
    this.output.write(`${JSON.stringify(message)}\n`);
    return Promise.resolve();
  }

  end(): void {}

  /** Settles once fewer than `bytes` wait to leave for the output (at once when they already do). */
  room(bytes: number): Promise<void> | undefined {
    if (this.output.writableLength < bytes || this.output.destroyed) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.output.off('drain', check);
        this.output.off('close', done);
        resolve();
      };
      const check = () => {
        if (this.output.writableLength < bytes) done();
      };
      this.output.on('drain', check);
      this.output.on('close', done);
    });
  }

  /** Settles once every line written so far has left for the output. */
  idle(): Promise<void> {
    if (this.output.writableLength === 0 && !this.corked) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.output.writableLength === 0 || this.output.destroyed) resolve();
        else this.output.once('drain', check);
      };
      setImmediate(check);
    });
  }
}
