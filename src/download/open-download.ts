import { Transform } from 'node:stream';
import type { Progress } from '../protocol/progress.js';
import { BridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { Agent, type Dispatcher, redirectInterceptor, requestUrl } from '../shared/http.js';
import { stallTimeoutMs } from '../shared/stall-timeout.js';

const MAX_REDIRECTS = 5;

let downloader: Dispatcher | undefined;
const dispatcher = () => {
  downloader ??= new Agent({ headersTimeout: stallTimeoutMs(), bodyTimeout: stallTimeoutMs() }).compose(
    redirectInterceptor({ maxRedirections: MAX_REDIRECTS }),
  );
  return downloader;
};

export const downloadFailed = (url: string, why: string, cause?: unknown) =>
  new BridgeError(ErrorCode.DownloadFailed, `Could not download ${url}: ${why}`, { cause });

/**
 * The body of a URL as it arrives, counted for progress. A body shorter than its
 * Content-Length fails the stream, so nothing downstream takes a cut file for a whole one.
 */
export const openDownload = async (
  url: string,
  progress: Progress,
  signal: AbortSignal,
): Promise<Transform> => {
  let response: Dispatcher.ResponseData;
  try {
    response = await requestUrl(url, { signal }, dispatcher());
  } catch (error) {
    if (signal.aborted) throw error;
    throw downloadFailed(url, (error as Error).message, error);
  }
  if (response.statusCode >= 400) {
    await response.body.dump();
    throw downloadFailed(url, `the server answered HTTP ${response.statusCode}.`);
  }
  const length = Number(response.headers['content-length']);
  const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
  let bytes = 0;
  progress.begin(`Downloading ${url}`, { bytes: 0, ...(totalBytes ? { totalBytes } : {}) });
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      progress.report({ message: 'Downloading', bytes, ...(totalBytes ? { totalBytes } : {}) });
      callback(null, chunk);
    },
    flush(callback) {
      if (totalBytes !== undefined && bytes !== totalBytes) {
        callback(downloadFailed(url, `the connection ended after ${bytes} of ${totalBytes} bytes.`));
        return;
      }
      progress.end(`Downloaded ${bytes} bytes`);
      callback();
    },
  });
  response.body.on('error', (error) => {
    counted.destroy(signal.aborted ? error : downloadFailed(url, error.message, error));
  });
  response.body.pipe(counted);
  return counted;
};
