import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/transport/line-splitter.js';

const split = (chunks: Buffer[], max = 1024) => {
  const lines: string[] = [];
  const oversize: number[] = [];
  const splitter = new LineSplitter(max, {
    onLine: (line) => lines.push(line.toString('utf8')),
    onOversize: (size) => oversize.push(size),
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, oversize };
};

describe('LineSplitter', () => {
  it('splits on \\n, drops a trailing \\r, keeps a last line without \\n', () => {
    expect(split([Buffer.from('a\r\nb\n\nc')]).lines).toEqual(['a', 'b', '', 'c']);
  });

  it('keeps a multi-byte character cut across chunks whole', () => {
    const bytes = Buffer.from('é€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]).lines).toEqual(['é€']);
  });

  it('discards a line past the limit, reports its size, and goes on', () => {
    const { lines, oversize } = split(
      [Buffer.from('x'.repeat(10)), Buffer.from('y'.repeat(10)), Buffer.from('\nok\n')],
      15,
    );
    expect(oversize).toEqual([20]);
    expect(lines).toEqual(['ok']);
  });
});
