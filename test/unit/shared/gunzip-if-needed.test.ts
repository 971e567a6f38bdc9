import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfNeeded } from '../../../src/shared/gunzip-if-needed.js';

/** A source that gives one byte per read, as a download trickled byte by byte does. */
const byteByByte = (bytes: Buffer) =>
  Readable.from(
    [...bytes].map((byte) => Buffer.from([byte])),
    { objectMode: false },
  );

describe('gunzipIfNeeded', () => {
  it('undoes gzip when the magic bytes arrive one at a time', async () => {
    const archive = await gunzipIfNeeded(byteByByte(gzipSync('a tar, in fact')));
    expect(await text(archive)).toBe('a tar, in fact');
  });

  it('passes a plain archive through whole, one byte at a time too', async () => {
    expect(await text(await gunzipIfNeeded(byteByByte(Buffer.from('plain tar bytes'))))).toBe(
      'plain tar bytes',
    );
  });

  it('passes a plain archive in one chunk through whole', async () => {
    expect(await text(await gunzipIfNeeded(Readable.from([Buffer.from('plain tar bytes')])))).toBe(
      'plain tar bytes',
    );
  });
});
