import { createHash } from 'node:crypto';
import { BridgeError } from '../shared/bridge-error.js';
import { httpFailureReason, manifestFailed } from '../shared/failures.js';
import type { Dispatcher } from '../shared/http.js';
import { jsonBody } from './json-body.js';
import { DEFAULT_TAG, type ImageReference } from './reference.js';
import { type RegistryVisit, registryBaseUrl, requestRegistry } from './registry-request.js';

/** Where a reference's manifest is. */
export const manifestUrl = (ref: ImageReference): string =>
  `${registryBaseUrl(ref.domain)}/v2/${ref.path}/manifests/${ref.tag ?? ref.digest ?? DEFAULT_TAG}`;

// Without the index and list types a registry may answer with one platform's manifest, whose
// digest is not the one `docker pull` records.
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** One manifest request; a failure that is not the registry's login or limit is the manifest's. */
const requestManifest = async (
  url: string,
  method: 'HEAD' | 'GET',
  visit: RegistryVisit,
): Promise<Dispatcher.ResponseData> => {
  const response = await requestRegistry(url, method, { accept: MANIFEST_TYPES }, visit);
  if (response.statusCode < 400) return response;
  await response.body.dump();
  throw manifestFailed(
    visit.action.reference,
    response.statusCode === 404 ? 'no such image or tag (HTTP 404)' : `HTTP ${response.statusCode}`,
  );
};

const headerDigest = (response: Dispatcher.ResponseData): string | undefined => {
  const digest = response.headers['docker-content-digest'];
  return typeof digest === 'string' && digest.startsWith('sha256:') ? digest : undefined;
};

/**
 * The digest a registry gives for a tag now, without pulling: HEAD on the manifest, the digest
 * from its `Docker-Content-Digest`; when the registry omits it, GET and hash the manifest. A
 * silent or stalled registry is given up after the stall time (the outbound agent's timeouts).
 */
export const fetchManifestDigest = async (
  ref: ImageReference,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<string> => {
  if (ref.digest && !ref.tag) return ref.digest;
  const url = manifestUrl(ref);
  const visit: RegistryVisit = {
    action: { kind: 'manifest', reference: ref.text },
    domain: ref.domain,
    order: 'any',
    env,
    ...(signal ? { signal } : {}),
  };
  try {
    const head = await requestManifest(url, 'HEAD', visit);
    await head.body.dump();
    const fromHead = headerDigest(head);
    if (fromHead) return fromHead;
    const get = await requestManifest(url, 'GET', visit);
    const fromGet = headerDigest(get);
    if (fromGet) {
      await get.body.dump();
      return fromGet;
    }
    const { bytes } = await jsonBody(get, 'the manifest');
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  } catch (error) {
    if (error instanceof BridgeError || signal?.aborted) throw error;
    throw manifestFailed(ref.text, httpFailureReason(error), error);
  }
};
