import type { OutputStream } from '../../shared/work-context.js';

export interface Frame {
  stream: OutputStream;
  data: Buffer;
}

const HEADER_SIZE = 8;

/**
 * Splits the Engine API's multiplexed stream (exec, attach, logs without a TTY): an 8-byte header
 * whose byte 0 is the stream (1 stdout, 2 stderr) and bytes 4-7 the big-endian payload size.
 */
export class Demultiplexer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= HEADER_SIZE) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < HEADER_SIZE + size) break;
      const stream = this.buffer[0] === 2 ? 'stderr' : 'stdout';
      frames.push({ stream, data: this.buffer.subarray(HEADER_SIZE, HEADER_SIZE + size) });
      this.buffer = this.buffer.subarray(HEADER_SIZE + size);
    }
    return frames;
  }
}
