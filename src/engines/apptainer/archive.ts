import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { markTempFolder, TEMP_PREFIX } from '../../leftovers/temp-folders.js';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const BLOCK = 512;

/** An archive Apptainer can read, and how to remove what was made for it. */
export interface StagedArchive {
  path: string;
  remove(): Promise<void>;
}

const startsWithGzip = async (path: string): Promise<boolean> => {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(GZIP_MAGIC.length);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(GZIP_MAGIC);
  } finally {
    await file.close();
  }
};

/**
 * The archive as `build docker-archive:` reads it. From Apptainer 1.4 (SingularityCE 4.1) it is
 * read by go-containerregistry's tarball.ImageFromPath (internal/pkg/ociimage/sourcesink.go
 * @v1.5.3), which has no gzip: a gzip (by its magic bytes, whatever the name) is undone into the
 * bridge's temp space. A path with `:` is cut there (fetch.go, SplitN), so it is linked under a
 * name without one.
 */
export const stageArchive = async (
  archivePath: string,
  tempRoot: string,
  signal: AbortSignal,
): Promise<StagedArchive> => {
  const gzipped = await startsWithGzip(archivePath);
  if (!gzipped && !archivePath.includes(':')) return { path: archivePath, remove: async () => {} };
  const folder = await mkdtemp(join(tempRoot, `${TEMP_PREFIX}archive-`));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    if (folder.includes(':')) throw new Error(`the temp folder ${folder} has ":" in its path`);
    await markTempFolder(folder);
    const path = join(folder, 'image.tar');
    if (gzipped) {
      await pipeline(createReadStream(archivePath), createGunzip(), createWriteStream(path), { signal });
    } else {
      await symlink(archivePath, path);
    }
    return { path, remove };
  } catch (error) {
    await remove();
    throw error;
  }
};

const text = (block: Buffer, start: number, length: number) =>
  block
    .subarray(start, start + length)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/**
 * The first `RepoTags` name of a `docker save` archive's manifest.json, as `docker load` names
 * the image it loads; undefined when the archive has none (an OCI layout, an untagged save).
 */
export const archiveRepoTag = async (tarPath: string): Promise<string | undefined> => {
  const file = await open(tarPath, 'r');
  try {
    const header = Buffer.alloc(BLOCK);
    for (let offset = 0; ; ) {
      const { bytesRead } = await file.read(header, 0, BLOCK, offset);
      if (bytesRead < BLOCK || header.every((byte) => byte === 0)) return undefined;
      const name = text(header, 0, 100).replace(/^\.\//, '');
      const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
      if (name === 'manifest.json' && size < 16 * 1024 * 1024) {
        const body = Buffer.alloc(size);
        await file.read(body, 0, size, offset + BLOCK);
        const manifest = JSON.parse(body.toString('utf8')) as { RepoTags?: string[] | null }[];
        const [tag] = manifest[0]?.RepoTags ?? [];
        return tag;
      }
      offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    }
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
};
