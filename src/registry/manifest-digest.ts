import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { type Dispatcher, decodeBody, httpFailureReason, requestUrl } from '../shared/http.js';
import { parseBearerChallenge } from './bearer-challenge.js';
import { DEFAULT_DOMAIN, type ImageReference } from './reference.js';

// Without the index and list types a registry may answer with one platform's manifest, whose
// digest is not the one `docker pull` records.
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const isLoopback = (host: string) => /^(localhost|127(?:\.\d+){3}|\[::1\])(?::\d+)?$/.test(host);

export const registryBaseUrl = (domain: string): string => {
  if (domain === DEFAULT_DOMAIN) return 'https://registry-1.docker.io';
  return `${isLoopback(domain) ? 'http' : 'https'}://${domain}`;
};

const registryFailure = (reference: string, why: string, cause?: unknown) =>
  new BridgeError(
    ErrorCode.RegistryFailed,
    `Could not get the manifest of ${reference} from its registry: ${why}`,
    {
      cause,
      data: { reason: why },
    },
  );

/** The whole body, decoded; a close-delimited body cut short is caught by its JSON not parsing. */
const jsonBody = async (
  response: Dispatcher.ResponseData,
  what: string,
): Promise<{ bytes: Buffer; json: unknown }> => {
  const chunks: Buffer[] = [];
  for await (const chunk of decodeBody(response.body, response.headers['content-encoding']) as Readable) {
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch {
    throw new Error(`${what} is incomplete or not JSON (${bytes.length} bytes arrived)`);
  }
};

const anonymousToken = async (challenge: Record<string, string>, signal?: AbortSignal): Promise<string> => {
  const url = new URL(challenge.realm as string);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.set('scope', challenge.scope);
  const response = await requestUrl(url, { signal });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`the token service answered ${response.statusCode}`);
  }
  const body = (await jsonBody(response, "the token service's answer")).json as {
    token?: string;
    access_token?: string;
  };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error('the token service answered no token');
  return token;
};

/**
 * The digest a registry gives for a tag now, without pulling: HEAD on the manifest with the
 * anonymous bearer-token flow. When the registry omits `Docker-Content-Digest`, GET and hash.
 * A silent or stalled registry is given up after the stall time (the outbound agent's timeouts).
 */
export const fetchManifestDigest = async (
  ref: ImageReference,
  display: string,
  signal?: AbortSignal,
): Promise<string> => {
  if (ref.digest && !ref.tag) return ref.digest;
  const url = `${registryBaseUrl(ref.domain)}/v2/${ref.path}/manifests/${ref.tag ?? 'latest'}`;
  try {
    let authorization: string | undefined;
    for (const method of ['HEAD', 'GET'] as const) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const headers: Record<string, string> = { accept: MANIFEST_TYPES };
        if (authorization) headers.authorization = authorization;
        const response = await requestUrl(url, { method, headers, signal });
        if (response.statusCode === 401 && !authorization) {
          await response.body.dump();
          const challenge = parseBearerChallenge(response.headers['www-authenticate'] as string | undefined);
          if (!challenge) throw registryFailure(display, 'it asks for credentials (HTTP 401)');
          authorization = `Bearer ${await anonymousToken(challenge, signal)}`;
          continue;
        }
        if (response.statusCode === 404) {
          await response.body.dump();
          throw registryFailure(display, 'no such image or tag (HTTP 404)');
        }
        if (response.statusCode >= 400) {
          await response.body.dump();
          throw registryFailure(display, `HTTP ${response.statusCode}`);
        }
        const digest = response.headers['docker-content-digest'];
        if (typeof digest === 'string' && digest.startsWith('sha256:')) {
          await response.body.dump();
          return digest;
        }
        if (method === 'GET') {
          const { bytes } = await jsonBody(response, 'the manifest');
          return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        }
        await response.body.dump();
        break;
      }
    }
    throw registryFailure(display, 'the registry gave no digest');
  } catch (error) {
    if (error instanceof BridgeError || signal?.aborted) throw error;
    throw registryFailure(display, httpFailureReason(error), error);
  }
};
