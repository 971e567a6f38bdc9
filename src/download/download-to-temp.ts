import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { markTempFolder, TEMP_PREFIX } from '../leftovers/temp-folders.js';
import { BridgeError } from '../shared/bridge-error.js';
import { downloadFailed, noTempSpace } from '../shared/failures.js';
import type { Progress } from '../shared/work-context.js';
import { openDownload } from './open-download.js';

export interface DownloadedFile {
  path: string;
  /** Removes the file and its folder; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Streams a URL to a private temporary folder, for engines that need a file (Apptainer builds a
 * SIF from it). Any failure or cancellation removes what was written.
 */
export const downloadToTemp = async (
  url: string,
  progress: Progress,
  signal: AbortSignal,
  tempRoot = tmpdir(),
): Promise<DownloadedFile> => {
  const folder = await mkdtemp(join(tempRoot, `${TEMP_PREFIX}download-`));
  const path = join(folder, 'image.tar');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await markTempFolder(folder);
    await pipeline(await openDownload(url, progress, signal), createWriteStream(path), { signal });
    return { path, remove };
  } catch (error) {
    await remove();
    if (error instanceof BridgeError || signal.aborted) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw noTempSpace(url, tempRoot, error);
    throw downloadFailed(url, (error as Error).message, error);
  }
};
