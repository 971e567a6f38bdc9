// The dispatcher files of undici, not its index: the index also loads fetch, WebSocket,
// EventSource, the cache and the mock agents, none of which the bridge uses, and that costs
// every start ~60 ms (`npm run bench`, cold start).

import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import requestApi from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import Client from 'undici/lib/dispatcher/client.js';
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import redirectInterceptor from 'undici/lib/interceptor/redirect.js';
import { MAX_REDIRECTS } from './http-limits.js';
import { stallTimeoutMs } from './stall-timeout.js';

// What undici's index does: `request()` and the other calls are methods of every dispatcher.
Object.assign(DispatcherBase.prototype, requestApi);

export type { Dispatcher };
export { Agent, Client, Pool };

type UrlRequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
};

let outbound: Dispatcher | undefined;

/**
 * The one agent for the bridge's own HTTP (downloads, registries, token services): a peer that
 * sends no header for the stall time, or no body byte for the stall time, is given up; a slow
 * but moving one is not. Redirects are followed, and a chain longer than 5 is an error.
 */
const outboundAgent = (): Dispatcher => {
  outbound ??= new Agent({ headersTimeout: stallTimeoutMs(), bodyTimeout: stallTimeoutMs() }).compose(
    redirectInterceptor({ maxRedirections: MAX_REDIRECTS, throwOnMaxRedirect: true }),
  );
  return outbound;
};

/** `undici.request(url)` on the outbound agent. A redirect the agent would not follow is an error. */
export const requestUrl = async (
  url: string | URL,
  options: UrlRequestOptions = {},
): Promise<Dispatcher.ResponseData> => {
  const { origin, pathname, search } = new URL(url);
  const response = await outboundAgent().request({
    method: 'GET',
    ...options,
    origin,
    path: `${pathname}${search}`,
  });
  if (response.statusCode >= 300 && response.statusCode < 400) {
    await response.body.dump().catch(() => {});
    const location = response.headers.location;
    throw new Error(
      location
        ? `it redirected to ${String(location)}, which is not an http(s) address`
        : `it answered HTTP ${response.statusCode} with no address to go to`,
    );
  }
  return response;
};

/**
 * The body as the server meant it: `Content-Encoding` undone (a `.tar` served gzip-encoded, as
 * some servers do, arrives as the tar). Errors of the raw body pass on to the decoded one.
 */
export const decodeBody = (body: Readable, contentEncoding: unknown): Readable => {
  const codings = String(contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let decoded = body;
  // Codings are listed in the order they were applied: undo the last first.
  for (const coding of codings.reverse()) {
    const decoder =
      coding === 'gzip' || coding === 'x-gzip'
        ? createGunzip()
        : coding === 'deflate'
          ? createInflate()
          : coding === 'br'
            ? createBrotliDecompress()
            : undefined;
    if (!decoder) throw new Error(`it is encoded as "${coding}", which the bridge cannot decode`);
    const source = decoded;
    source.once('error', (error) => decoder.destroy(error));
    decoded = source.pipe(decoder);
  }
  return decoded;
};
