import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';

export interface BuiltFile {
  file: string;
  os: string;
  arch: string;
  size: number;
  sha256: string;
}

export const describeFile = async (path: string, os: string, arch: string): Promise<BuiltFile> => ({
  file: basename(path),
  os,
  arch,
  size: (await stat(path)).size,
  sha256: createHash('sha256')
    .update(await readFile(path))
    .digest('hex'),
});

/** The format `sha256sum -c` reads: the hash, two spaces (text mode), the name. */
export const sha256sums = (files: readonly BuiltFile[]): string =>
  files.map((entry) => `${entry.sha256}  ${entry.file}\n`).join('');
