import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import type { Progress } from '../protocol/progress.js';
import { BridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';

export interface DownloadedFile {
  path: string;
  /** Removes the file and its folder; safe to call twice. */
  remove(): Promise<void>;
}

const MAX_REDIRECTS = 5;
/** A stalled server must not hold the import for ever; a slow but moving one may. */
const IDLE_TIMEOUT_MS = 60_000;

let downloader: Dispatcher | undefined;
const dispatcher = () => {
  downloader ??= new Agent({ headersTimeout: IDLE_TIMEOUT_MS, bodyTimeout: IDLE_TIMEOUT_MS }).compose(
    interceptors.redirect({ maxRedirections: MAX_REDIRECTS }),
  );
  return downloader;
};

/**
 * Streams a URL to a private temporary folder, never holding the body in memory. Any failure or
 * cancellation removes what was written.
 */
export const downloadToTemp = async (
  url: string,
  progress: Progress,
  signal: AbortSignal,
  tempRoot = tmpdir(),
): Promise<DownloadedFile> => {
  const folder = await mkdtemp(join(tempRoot, 'bst-containers-download-'));
  const path = join(folder, 'image.tar');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const response = await request(url, { signal, dispatcher: dispatcher() });
    if (response.statusCode >= 400) {
      await response.body.dump();
      throw new BridgeError(
        ErrorCode.DownloadFailed,
        `Could not download ${url}: the server answered HTTP ${response.statusCode}.`,
      );
    }
    const length = Number(response.headers['content-length']);
    const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
    let bytes = 0;
    progress.begin(`Downloading ${url}`, { bytes: 0, ...(totalBytes ? { totalBytes } : {}) });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        progress.report({ message: 'Downloading', bytes, ...(totalBytes ? { totalBytes } : {}) });
        callback(null, chunk);
      },
    });
    await pipeline(response.body, counter, createWriteStream(path), { signal });
    if (totalBytes !== undefined && bytes !== totalBytes) {
      throw new BridgeError(
        ErrorCode.DownloadFailed,
        `Could not download ${url}: the connection ended after ${bytes} of ${totalBytes} bytes.`,
      );
    }
    progress.end(`Downloaded ${bytes} bytes`);
    return { path, remove };
  } catch (error) {
    await remove();
    if (error instanceof BridgeError || signal.aborted) throw error;
    throw new BridgeError(
      ErrorCode.DownloadFailed,
      `Could not download ${url}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
};
