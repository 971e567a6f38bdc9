import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const firstBytes = (source: Readable): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const onReadable = () => {
      cleanup();
      resolve((source.read() as Buffer | null) ?? null);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', reject);
    };
    source.once('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', reject);
  });

/**
 * The archive as a plain tar: gzip (`docker save | gzip`, `.tgz`) is undone here, because
 * Podman's load refuses compressed archives. A failure of the source fails the result.
 */
export const gunzipIfNeeded = async (source: Readable): Promise<Readable> => {
  const head = await firstBytes(source);
  if (head) source.unshift(head);
  const isGzip = head !== null && head[0] === 0x1f && head[1] === 0x8b;
  if (!isGzip) return source;
  const gunzip = createGunzip();
  pipeline(source, gunzip, (error) => {
    if (error) gunzip.destroy(error);
  });
  return gunzip;
};
