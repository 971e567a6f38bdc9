import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import type { EngineName } from '../../shared/engine-names.js';
import { engineRefused, fileUnreadable } from '../../shared/failures.js';
import { gunzipIfNeeded } from '../../shared/gunzip-if-needed.js';
import { ndjsonLines } from '../../shared/ndjson-lines.js';
import type { WorkContext } from '../../shared/work-context.js';
import type { ArrivedImage } from '../container-engine.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { displayName } from './image-list.js';
import { inspectImageId } from './image-names.js';
import { streamError } from './pull-image.js';

const LOADED_NAME = /^Loaded image(?:\(s\))?: (.+)$/m;
const LOADED_ID = /^Loaded image ID: (sha256:[a-f0-9]{64})$/m;

/** The names and the ID the engine's load reports, line by line. */
const readLoadReport = async (body: AsyncIterable<Buffer>, fail: (why: string) => Error) => {
  const names: string[] = [];
  let imageId: string | undefined;
  for await (const line of ndjsonLines(body)) {
    const failure = streamError(line);
    if (failure) throw fail(failure);
    const text = typeof line.stream === 'string' ? line.stream.trim() : '';
    const name = LOADED_NAME.exec(text)?.[1];
    if (name) names.push(...name.split(',').map((each) => displayName(each.trim())));
    imageId ??= LOADED_ID.exec(text)?.[1];
  }
  return { names, imageId };
};

/** Loads a `docker save` archive, plain or gzipped, as it is read: from a file or a download. */
export const loadArchive = async (
  api: DockerApi,
  engine: EngineName,
  source: Readable,
  label: string,
  context: WorkContext,
): Promise<ArrivedImage> => {
  // A failure of the source (a cut download) is the real cause of whatever the engine says next.
  let sourceError: unknown;
  source.once('error', (error) => {
    sourceError = error;
  });
  const loadFailed = (why: string) => engineRefused(`Could not load the image from ${label}`, why);
  try {
    const response = await api.request({
      method: 'POST',
      path: '/images/load',
      query: { quiet: true },
      rawBody: await gunzipIfNeeded(source),
      contentType: 'application/x-tar',
      signal: context.signal,
    });
    const report = await readLoadReport(response.body, loadFailed);
    if (sourceError) throw sourceError;
    const first = report.names[0];
    const imageId = first ? await inspectImageId(api, engine, first) : report.imageId;
    if (!imageId) throw loadFailed('the engine named no image in it');
    return { imageId, names: report.names };
  } catch (error) {
    if (sourceError) throw sourceError;
    if (isEngineHttpError(error)) throw loadFailed(error.message);
    throw error;
  }
};

export const loadImage = async (
  api: DockerApi,
  engine: EngineName,
  tarballPath: string,
  context: WorkContext,
): Promise<ArrivedImage> => {
  const { size } = await stat(tarballPath).catch((error: NodeJS.ErrnoException) => {
    throw fileUnreadable(tarballPath, error);
  });
  let sent = 0;
  context.progress.begin(`Loading ${tarballPath}`, { bytes: 0, totalBytes: size });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      context.progress.report({ message: 'Loading image', bytes: sent, totalBytes: size });
      callback(null, chunk);
    },
  });
  const source = createReadStream(tarballPath).pipe(counter);
  const arrived = await loadArchive(api, engine, source, tarballPath, context);
  context.progress.end('Image loaded');
  return arrived;
};
