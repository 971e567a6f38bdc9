import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { gunzipIfNeeded } from '../../shared/gunzip-if-needed.js';
import { ndjsonLines } from '../../shared/ndjson-lines.js';
import { StallWatch } from '../../shared/stall-timeout.js';
import type { ArrivedImage, EngineName, ImageRow, WorkContext } from '../container-engine.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { PullProgress } from './pull-progress.js';

interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
}

const NONE = '<none>';

/**
 * The name as Docker shows it. Podman keeps names fully qualified (`localhost/x`,
 * `docker.io/library/x`); Brainstorm compares names, so both engines must show the same.
 */
export const displayName = (name: string): string => {
  for (const prefix of ['localhost/', 'docker.io/library/', 'docker.io/']) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
};
const withSha256 = (id: string) => (id.startsWith('sha256:') ? id : `sha256:${id}`);
const repositoryOf = (nameTag: string) => nameTag.slice(0, nameTag.lastIndexOf(':'));

/** The rows `docker images --all --digests --no-trunc` prints: one per name, digest matched by repository. */
export const imageRows = (images: ImageSummary[]): ImageRow[] =>
  images.flatMap((image): ImageRow[] => {
    const id = withSha256(image.Id);
    const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>').map(displayName);
    const digests = (image.RepoDigests ?? [])
      .filter((digest) => !digest.startsWith('<none>@'))
      .map(displayName);
    const digestOf = (repository: string) =>
      digests.find((entry) => entry.startsWith(`${repository}@`))?.split('@')[1] ?? NONE;
    const rows: ImageRow[] = tags.map((tag) => [tag, id, digestOf(repositoryOf(tag))]);
    const taggedRepositories = new Set(tags.map(repositoryOf));
    for (const entry of digests) {
      const [repository = NONE, digest = NONE] = entry.split('@');
      if (!taggedRepositories.has(repository)) rows.push([`${repository}:${NONE}`, id, digest]);
    }
    return rows.length > 0 ? rows : [[`${NONE}:${NONE}`, id, NONE]];
  });

/**
 * Podman 4 lists digests always and fails on `digests` (with an empty 200 answer, as it does
 * when it has no image), so only Docker is asked for them.
 */
export const listImages = async (
  api: DockerApi,
  askDigests: boolean,
  signal?: AbortSignal,
): Promise<ImageRow[]> => {
  const query = askDigests ? { all: true, digests: true } : { all: true };
  return imageRows(
    (await api.json<ImageSummary[] | undefined>({ path: '/images/json', query, signal })) ?? [],
  );
};

export const inspectImageId = async (api: DockerApi, image: string): Promise<string> => {
  try {
    const info = await api.json<{ Id: string }>({ path: `/images/${encodeURIComponent(image)}/json` });
    return withSha256(info.Id);
  } catch (error) {
    if (isEngineHttpError(error, 404)) {
      throw new BridgeError(ErrorCode.ImageNotFound, `Image ${image} was not found in the engine.`, {
        data: { engineMessage: error.message },
      });
    }
    throw error;
  }
};

/** The progress stream reports failures as `{"error": ...}` lines even after a 200 answer. */
const streamError = (line: Record<string, unknown>): string | undefined => {
  const detail = line.errorDetail as { message?: string } | undefined;
  if (typeof line.error === 'string') return line.error;
  return detail?.message;
};

/**
 * Podman reports a layer's bytes once a second, then stores it without a word (5 s a GiB here)
 * and only then says it is complete: once its rate would have brought the rest within two
 * reports, its silence is not a stall.
 */
const PODMAN_REPORT_PROJECTION_MS = 2000;

export const pullImage = async (
  api: DockerApi,
  reference: string,
  context: WorkContext,
  engine: EngineName,
): Promise<string> => {
  const projectMs = engine === 'podman' ? PODMAN_REPORT_PROJECTION_MS : 0;
  const failed = (why: string, engineMessage = why) =>
    new BridgeError(ErrorCode.RegistryFailed, `Could not pull ${reference}: ${why}`, {
      data: { engineMessage },
    });
  // The engine waits on a silent registry for minutes; the bridge gives up after a stall.
  const stall = new StallWatch();
  try {
    const response = await api
      .request({
        method: 'POST',
        path: '/images/create',
        query: { fromImage: reference },
        signal: AbortSignal.any([context.signal, stall.signal]),
      })
      .catch((error: unknown) => {
        if (!isEngineHttpError(error)) throw error;
        throw failed(error.message);
      });
    context.progress.begin(`Pulling ${reference}`);
    const progress = new PullProgress();
    for await (const line of ndjsonLines(response.body)) {
      const failure = streamError(line);
      if (failure) throw failed(failure);
      context.progress.report(progress.update(line));
      // Docker reports extracting; silence after every layer arrived is local work, not a stall.
      if (progress.allDownloaded(projectMs)) stall.pause();
      else stall.touch();
    }
  } catch (error) {
    if (stall.stalled && !context.signal.aborted) {
      throw failed(
        `the registry sent nothing for ${stall.ms / 1000} s. Check the network and the registry, then retry.`,
        'stalled',
      );
    }
    throw error;
  } finally {
    stall.stop();
  }
  context.progress.end(`Pulled ${reference}`);
  return inspectImageId(api, reference);
};

const LOADED_NAME = /^Loaded image(?:\(s\))?: (.+)$/m;
const LOADED_ID = /^Loaded image ID: (sha256:[a-f0-9]{64})$/m;

/** Loads a `docker save` archive, plain or gzipped, as it is read: from a file or a download. */
export const loadArchive = async (
  api: DockerApi,
  source: Readable,
  label: string,
  context: WorkContext,
): Promise<ArrivedImage> => {
  // A failure of the source (a cut download) is the real cause of whatever the engine says next.
  let sourceError: unknown;
  source.once('error', (error) => {
    sourceError = error;
  });
  const loadFailed = (why: string) =>
    new BridgeError(ErrorCode.EngineFailed, `Could not load the image from ${label}: ${why}`, {
      data: { engineMessage: why },
    });
  try {
    const archive = await gunzipIfNeeded(source);
    const response = await api.request({
      method: 'POST',
      path: '/images/load',
      query: { quiet: true },
      rawBody: archive,
      contentType: 'application/x-tar',
      signal: context.signal,
    });
    const names: string[] = [];
    let imageId: string | undefined;
    for await (const line of ndjsonLines(response.body)) {
      const failure = streamError(line);
      if (failure) throw loadFailed(failure);
      const text = typeof line.stream === 'string' ? line.stream.trim() : '';
      const name = LOADED_NAME.exec(text)?.[1];
      if (name) names.push(...name.split(',').map((each) => displayName(each.trim())));
      imageId ??= LOADED_ID.exec(text)?.[1];
    }
    if (sourceError) throw sourceError;
    const first = names[0];
    if (first) imageId = await inspectImageId(api, first);
    if (!imageId) throw loadFailed('the engine named no image in it');
    return { imageId, names };
  } catch (error) {
    if (sourceError) throw sourceError;
    if (isEngineHttpError(error)) throw loadFailed(error.message);
    throw error;
  }
};

export const loadImage = async (
  api: DockerApi,
  tarballPath: string,
  context: WorkContext,
): Promise<ArrivedImage> => {
  const size = await stat(tarballPath).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      throw new BridgeError(
        ErrorCode.FileNotFound,
        `Cannot read the image file ${tarballPath}: ${error.code}.`,
        {
          cause: error,
        },
      );
    },
  );
  let sent = 0;
  context.progress.begin(`Loading ${tarballPath}`, { bytes: 0, totalBytes: size });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      context.progress.report({ message: 'Loading image', bytes: sent, totalBytes: size });
      callback(null, chunk);
    },
  });
  const arrived = await loadArchive(api, createReadStream(tarballPath).pipe(counter), tarballPath, context);
  context.progress.end('Image loaded');
  return arrived;
};

export const tagImage = async (api: DockerApi, image: string, nameTag: string): Promise<void> => {
  const colon = nameTag.lastIndexOf(':');
  const slash = nameTag.lastIndexOf('/');
  const [repo, tag] =
    colon > slash ? [nameTag.slice(0, colon), nameTag.slice(colon + 1)] : [nameTag, 'latest'];
  await api.call({ method: 'POST', path: `/images/${encodeURIComponent(image)}/tag`, query: { repo, tag } });
};

export const removeImage = async (api: DockerApi, image: string, isForced: boolean): Promise<void> => {
  try {
    await api.call({
      method: 'DELETE',
      path: `/images/${encodeURIComponent(image)}`,
      query: { force: isForced },
    });
  } catch (error) {
    if (isEngineHttpError(error, 404)) {
      throw new BridgeError(ErrorCode.ImageNotFound, `Image ${image} was not found in the engine.`, {
        data: { engineMessage: error.message },
      });
    }
    if (isEngineHttpError(error, 409)) {
      throw new BridgeError(
        ErrorCode.Conflict,
        `Image ${image} is in use: stop the containers that use it, or remove it with isForced=1. (${error.message})`,
        { data: { engineMessage: error.message } },
      );
    }
    throw error;
  }
};
