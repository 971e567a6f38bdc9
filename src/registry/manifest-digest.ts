import { createHash } from 'node:crypto';
import { BridgeError } from '../shared/bridge-error.js';
import { httpFailureReason, manifestFailed } from '../shared/failures.js';
import { type Dispatcher, requestUrl } from '../shared/http.js';
import { anonymousAuthorization } from './anonymous-token.js';
import { jsonBody } from './json-body.js';
import { DEFAULT_DOMAIN, DEFAULT_TAG, type ImageReference, isLoopbackRegistry } from './reference.js';

// Without the index and list types a registry may answer with one platform's manifest, whose
// digest is not the one `docker pull` records.
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const registryBaseUrl = (domain: string): string => {
  if (domain === DEFAULT_DOMAIN) return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(domain) ? 'http' : 'https'}://${domain}`;
};

/** One manifest request, with the anonymous token when the registry asks for one. */
const requestManifest = async (
  url: string,
  method: 'HEAD' | 'GET',
  reference: string,
  signal?: AbortSignal,
): Promise<Dispatcher.ResponseData> => {
  let authorization: string | undefined;
  for (;;) {
    const headers: Record<string, string> = { accept: MANIFEST_TYPES };
    if (authorization) headers.authorization = authorization;
    const response = await requestUrl(url, { method, headers, signal });
    if (response.statusCode === 401 && !authorization) {
      await response.body.dump();
      const challenge = response.headers['www-authenticate'] as string | undefined;
      authorization = await anonymousAuthorization(challenge, signal);
      if (!authorization) throw manifestFailed(reference, 'it asks for credentials (HTTP 401)');
      continue;
    }
    if (response.statusCode < 400) return response;
    await response.body.dump();
    throw manifestFailed(
      reference,
      response.statusCode === 404 ? 'no such image or tag (HTTP 404)' : `HTTP ${response.statusCode}`,
    );
  }
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
export const fetchManifestDigest = async (ref: ImageReference, signal?: AbortSignal): Promise<string> => {
  if (ref.digest && !ref.tag) return ref.digest;
  const url = `${registryBaseUrl(ref.domain)}/v2/${ref.path}/manifests/${ref.tag ?? DEFAULT_TAG}`;
  try {
    const head = await requestManifest(url, 'HEAD', ref.text, signal);
    await head.body.dump();
    const fromHead = headerDigest(head);
    if (fromHead) return fromHead;
    const get = await requestManifest(url, 'GET', ref.text, signal);
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
