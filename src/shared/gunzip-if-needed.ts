import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The archive as a plain tar: gzip (`docker save | gzip`, `.tgz`) is undone here, because
 * Podman's load refuses compressed archives. The first two bytes decide, however they arrive
 * (a trickled download gives one at a time; a small file, all of it in one chunk before its
 * end). A failure of the source fails the result.
 */
export const gunzipIfNeeded = async (source: Readable): Promise<Readable> => {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  const start = Buffer.concat(head);
  async function* whole() {
    if (start.length > 0) yield start;
    if (ended) return;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  const archive = Readable.from(whole(), { objectMode: false });
  const isGzip = GZIP_MAGIC.every((byte, index) => start[index] === byte);
  if (!isGzip) return archive;
  const gunzip = createGunzip();
  pipeline(archive, gunzip, (error) => {
    if (error) gunzip.destroy(error);
  });
  return gunzip;
};
