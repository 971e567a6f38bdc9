import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message } from 'vscode-jsonrpc/node.js';

/** Writes one JSON text per line, in order, waiting for `drain` so a slow reader bounds memory. */
export class NdjsonWriter extends AbstractMessageWriter {
  private queue: Promise<void> = Promise.resolve();
  private errorCount = 0;

  constructor(private readonly output: Writable) {
    super();
    output.on('error', (error) => this.fireError(error));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const line = `${JSON.stringify(message)}\n`;
    this.queue = this.queue.then(() => this.writeLine(line));
    return this.queue;
  }

  end(): void {}

  /** Settles once every message written so far is handed to the output stream. */
  idle(): Promise<void> {
    return this.queue;
  }

  private writeLine(line: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.destroyed || this.output.writableEnded) return resolve();
      const flushed = this.output.write(line, 'utf8', (error) => {
        if (error) this.fireError(error, undefined, ++this.errorCount);
      });
      if (flushed) return resolve();
      const done = () => {
        this.output.off('drain', done);
        this.output.off('close', done);
        resolve();
      };
      this.output.once('drain', done);
      this.output.once('close', done);
    });
  }
}
