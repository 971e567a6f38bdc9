export interface LineSplitterEvents {
  /** A complete line, without its `\n` (a trailing `\r` is dropped too). */
  onLine(line: Buffer): void;
  /** A line went past the limit; its bytes up to the next `\n` are discarded. */
  onOversize(size: number): void;
}

/**
 * Splits raw bytes on `\n` before any UTF-8 decoding, so a multi-byte character cut across two
 * chunks stays whole. Memory stays bounded by `maxLineBytes`.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly events: LineSplitterEvents,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without `\n` still counts. */
  end(): void {
    if (this.pendingSize > 0 || this.discarding) this.finishLine();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (!this.discarding && this.pendingSize + part.length > this.maxLineBytes) {
      this.discarding = true;
      this.pending = [];
    }
    this.pendingSize += part.length;
    if (!this.discarding) this.pending.push(part);
  }

  private finishLine(): void {
    if (this.discarding) {
      this.events.onOversize(this.pendingSize);
    } else {
      let line = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      if (line.at(-1) === 13) line = line.subarray(0, -1);
      this.events.onLine(line);
    }
    this.pending = [];
    this.pendingSize = 0;
    this.discarding = false;
  }
}
