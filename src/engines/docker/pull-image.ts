import { findCredential } from '../../registry/credentials/find-credential.js';
import { registryAuthHeader } from '../../registry/credentials/registry-auth-header.js';
import { helperServerAddress } from '../../registry/credentials/registry-credential.js';
import { type ImageReference, pullReference } from '../../registry/reference.js';
import { askedLimit, registryRefusal } from '../../registry/registry-refusal.js';
import type { RegistryVisit } from '../../registry/registry-request.js';
import { isBridgeError } from '../../shared/bridge-error.js';
import { pullFailed, stalledReason } from '../../shared/failures.js';
import { ndjsonLines } from '../../shared/ndjson-lines.js';
import { StallWatch } from '../../shared/stall-timeout.js';
import type { WorkContext } from '../../shared/work-context.js';
import type { EngineDialect } from './dialect.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { inspectImageId } from './image-names.js';
import { PullProgress } from './pull-progress.js';

/** The progress stream reports failures as `{"error": ...}` lines even after a 200 answer. */
export const streamError = (line: Record<string, unknown>): string | undefined => {
  const detail = line.errorDetail as { message?: string } | undefined;
  if (typeof line.error === 'string') return line.error;
  return detail?.message;
};

/** Follows the pull's progress lines to their end; a line that reports a failure fails the pull. */
const followPull = async (
  body: AsyncIterable<Buffer>,
  stall: StallWatch,
  dialect: EngineDialect,
  context: WorkContext,
  reference: string,
) => {
  const progress = new PullProgress();
  for await (const line of ndjsonLines(body)) {
    const failure = streamError(line);
    if (failure) throw pullFailed(reference, failure);
    context.progress.report(progress.update(line));
    // Docker reports extracting; silence after every layer arrived is local work, not a stall.
    if (progress.allDownloaded(dialect.pullReportProjectionMs)) stall.pause();
    else stall.touch();
  }
};

export const pullImage = async (
  api: DockerApi,
  dialect: EngineDialect,
  ref: ImageReference,
  context: WorkContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> => {
  // A tag or digest is always explicit, so a pull never fetches every tag.
  const reference = pullReference(ref);
  const visit: RegistryVisit = {
    action: { kind: 'pull', reference },
    domain: ref.domain,
    order: dialect.engine,
    env,
    signal: context.signal,
  };
  // As the engine's CLI does: the login it keeps for the registry goes with the pull, and the
  // engine itself (on its machine, with its proxy and CAs) uses it.
  const credential = await findCredential(ref.domain, dialect.engine, env, context.signal);
  const headers = credential
    ? { 'x-registry-auth': registryAuthHeader(credential, helperServerAddress(ref.domain, dialect.engine)) }
    : undefined;
  // The engine waits on a silent registry for minutes; the bridge gives up after a stall.
  const stall = new StallWatch();
  try {
    const response = await api
      .request({
        method: 'POST',
        path: '/images/create',
        query: { fromImage: reference },
        ...(headers ? { headers } : {}),
        signal: AbortSignal.any([context.signal, stall.signal]),
      })
      .catch((error: unknown) => {
        throw isEngineHttpError(error) ? pullFailed(reference, error.message) : error;
      });
    context.progress.begin(`Pulling ${reference}`);
    await followPull(response.body, stall, dialect, context, reference);
  } catch (error) {
    // Podman retries a 429 for about a minute without a word: a silent pull may be a pull limit.
    if (stall.stalled && !context.signal.aborted)
      throw (await askedLimit(ref, visit)) ?? pullFailed(reference, stalledReason(stall.ms / 1000));
    const reason = isBridgeError(error)
      ? (error.data as { reason?: unknown } | undefined)?.reason
      : undefined;
    if (typeof reason === 'string' && !context.signal.aborted) {
      throw (await registryRefusal(reason, ref, visit, credential)) ?? error;
    }
    throw error;
  } finally {
    stall.stop();
  }
  context.progress.end(`Pulled ${reference}`);
  return inspectImageId(api, dialect.engine, reference);
};
