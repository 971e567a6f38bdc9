import { describe, expect, it } from 'vitest';
import { Demultiplexer } from '../../../../src/engines/docker/multiplex.js';

const frame = (stream: number, text: string) => {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
};

describe('Demultiplexer', () => {
  it('splits frames, even when headers and payloads are cut across chunks', () => {
    const bytes = Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, 'more')]);
    const demux = new Demultiplexer();
    const frames = [bytes.subarray(0, 5), bytes.subarray(5, 13), bytes.subarray(13)].flatMap((chunk) =>
      demux.push(chunk),
    );
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      ['stdout', 'out'],
      ['stderr', 'err'],
      ['stdout', 'more'],
    ]);
  });
});
