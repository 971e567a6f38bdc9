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
import { stallTimeoutMs } from './stall-timeout.js';

// What undici's index does: `request()` and the other calls are methods of every dispatcher.
Object.assign(DispatcherBase.prototype, requestApi);

export type { Dispatcher };
export { Agent, Client, Pool };

export const MAX_REDIRECTS = 5;
/** Node's own limit on an answer's header block (`--max-http-header-size`), which undici keeps. */
const MAX_HEADER_KIB = 16;

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

const errorCode = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException)?.code ?? (error as { cause?: NodeJS.ErrnoException })?.cause?.code;

/** What went wrong with an outbound request, in words a user can act on. */
export const httpFailureReason = (error: unknown): string => {
  const seconds = stallTimeoutMs() / 1000;
  const message = (error as Error)?.message ?? String(error);
  switch (errorCode(error)) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `the server sent no complete answer within ${seconds} s`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the server sent nothing for ${seconds} s`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `the server's headers are larger than ${MAX_HEADER_KIB} KiB`;
    case 'UND_ERR_REDIRECT_MAX':
      return `it redirected more than ${MAX_REDIRECTS} times`;
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'the connection ended before the size the server announced';
    case 'UND_ERR_SOCKET':
      return 'the server closed the connection before the answer was complete';
    case 'ECONNRESET':
      return 'the server reset the connection';
    case 'ECONNREFUSED':
      return 'nothing answers at that address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name is not known (check the address and the network)';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `its encoded body is damaged (${message})`;
    case 'UND_ERR_INVALID_ARG':
      if (/redirect loop/i.test(message)) return 'it redirected in a loop';
      if (/protocol/i.test(message)) return 'it redirected to an address that is not http(s)';
      return message;
    default:
      return message;
  }
};
