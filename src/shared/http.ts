// The dispatcher files of undici, not its index: the index also loads fetch, WebSocket,
// EventSource, the cache and the mock agents, none of which the bridge uses, and that costs
// every start ~60 ms (`npm run bench`, cold start).

import type { Dispatcher } from 'undici';
import requestApi from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import Client from 'undici/lib/dispatcher/client.js';
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import redirectInterceptor from 'undici/lib/interceptor/redirect.js';

// What undici's index does: `request()` and the other calls are methods of every dispatcher.
Object.assign(DispatcherBase.prototype, requestApi);

export type { Dispatcher };
export { Agent, Client, Pool, redirectInterceptor };

type UrlRequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
};

let sharedAgent: Agent | undefined;

/** `undici.request(url)`: a request by URL, on `dispatcher` or one agent shared by the bridge. */
export const requestUrl = (
  url: string | URL,
  options: UrlRequestOptions = {},
  dispatcher?: Dispatcher,
): Promise<Dispatcher.ResponseData> => {
  sharedAgent ??= new Agent();
  const { origin, pathname, search } = new URL(url);
  return (dispatcher ?? sharedAgent).request({
    method: 'GET',
    ...options,
    origin,
    path: `${pathname}${search}`,
  });
};
