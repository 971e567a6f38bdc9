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
import type { OutboundRoute, OutboundRouter } from './outbound/outbound-router.js';

// What undici's index does: `request()` and the other calls are methods of every dispatcher.
Object.assign(DispatcherBase.prototype, requestApi);

export type { Dispatcher, OutboundRoute };
export { Agent, Client, Pool };

type UrlRequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
};

let router: Promise<OutboundRouter> | undefined;
let outbound: Promise<Dispatcher> | undefined;

/**
 * The router of the bridge's own HTTP, from the environment it was started with. Loaded at the
 * first such request: the engines' calls never need it (nor undici's proxy agents), and every
 * start would pay for them.
 */
const outboundRouter = (): Promise<OutboundRouter> => {
  router ??= Promise.all([
    import('./outbound/outbound-router.js'),
    import('./outbound/proxy-settings.js'),
  ]).then(
    ([{ OutboundRouter }, { proxySettingsFrom }]) =>
      new OutboundRouter(proxySettingsFrom(process.env), process.env),
  );
  return router;
};

/**
 * The one dispatcher for the bridge's own HTTP (downloads, registries, token services): routed
 * through proxies as the environment says, redirects followed, and a chain longer than 5 an error.
 */
const outboundAgent = (): Promise<Dispatcher> => {
  outbound ??= outboundRouter().then((routes) =>
    routes.compose(redirectInterceptor({ maxRedirections: MAX_REDIRECTS, throwOnMaxRedirect: true })),
  );
  return outbound;
};

/** How a request to this address goes: messages name the proxy and the certs.d folders. */
export const routeFor = async (url: string | URL): Promise<OutboundRoute> =>
  (await outboundRouter()).routeFor(url);

/**
 * A failure on the way to an address, with the way it took: the proxy it went through is what
 * a refused or unreachable connection is about.
 */
export class OutboundFailure extends Error {
  constructor(
    readonly route: OutboundRoute,
    readonly target: URL,
    cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.name = 'OutboundFailure';
  }
}

/** `undici.request(url)` on the outbound agent. A redirect the agent would not follow is an error. */
export const requestUrl = async (
  url: string | URL,
  options: UrlRequestOptions = {},
): Promise<Dispatcher.ResponseData> => {
  const target = new URL(url);
  const proxy = (await routeFor(target)).proxy;
  if (proxy?.problem) throw new OutboundFailure({ proxy }, target, new Error(proxy.problem));
  let response: Dispatcher.ResponseData;
  try {
    response = await (await outboundAgent()).request({
      method: 'GET',
      ...options,
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
    });
  } catch (error) {
    if ((options.signal as AbortSignal | undefined)?.aborted) throw error;
    throw new OutboundFailure(await routeFor(target), target, error);
  }
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
