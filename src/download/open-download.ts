import { type Readable, Transform } from 'node:stream';
import { BridgeError } from '../shared/bridge-error.js';
import { downloadFailed, httpFailureReason, throughProxy } from '../shared/failures.js';
import { type Dispatcher, decodeBody, requestUrl, routeFor } from '../shared/http.js';
import type { Progress } from '../shared/work-context.js';

/**
 * The body of a URL as it arrives, counted for progress and decoded (`Content-Encoding`). A body
 * shorter than its Content-Length fails the stream, so nothing downstream takes a cut file for a
 * whole one; every failure of the transfer is a `DownloadFailed` BridgeError on the stream.
 */
export const openDownload = async (
  url: string,
  progress: Progress,
  signal: AbortSignal,
): Promise<Readable> => {
  let response: Dispatcher.ResponseData;
  try {
    response = await requestUrl(url, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw downloadFailed(url, httpFailureReason(error), error);
  }
  if (response.statusCode >= 400) {
    await response.body.dump().catch(() => {});
    throw downloadFailed(
      url,
      `the server answered HTTP ${response.statusCode}${throughProxy(await routeFor(url))}`,
    );
  }
  const length = Number(response.headers['content-length']);
  const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
  let bytes = 0;
  const failed = (error: Error) => {
    if (signal.aborted || error instanceof BridgeError) return error;
    const short = (error as NodeJS.ErrnoException).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
    const why = short
      ? `the connection ended after ${bytes} of ${totalBytes} bytes`
      : httpFailureReason(error);
    return downloadFailed(url, why, error);
  };
  progress.begin(`Downloading ${url}`, { bytes: 0, ...(totalBytes ? { totalBytes } : {}) });
  // Counted as sent, before decoding: that is what Content-Length and the progress speak of.
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      progress.report({ message: 'Downloading', bytes, ...(totalBytes ? { totalBytes } : {}) });
      callback(null, chunk);
    },
    flush(callback) {
      if (totalBytes !== undefined && bytes !== totalBytes) {
        callback(downloadFailed(url, `the connection ended after ${bytes} of ${totalBytes} bytes`));
        return;
      }
      progress.end(`Downloaded ${bytes} bytes`);
      callback();
    },
  });
  response.body.once('error', (error) => counted.destroy(failed(error)));
  response.body.pipe(counted);
  let decoded: Readable;
  try {
    decoded = decodeBody(counted, response.headers['content-encoding']);
  } catch (error) {
    response.body.destroy();
    throw downloadFailed(url, httpFailureReason(error), error);
  }
  if (decoded === counted) return counted;
  // A damaged encoding fails the decoder: that too is the download's failure.
  const result = new Transform({ transform: (chunk, _encoding, callback) => callback(null, chunk) });
  decoded.once('error', (error) => result.destroy(failed(error)));
  return decoded.pipe(result);
};
