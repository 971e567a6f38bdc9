import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does wrong on purpose: every manifest answers 500; every blob body is cut
 * after its first bytes (the connection destroyed) or stalls after them (the connection held);
 * nothing is ever answered (a registry that times out).
 */
export type RegistryFault = 'manifest-500' | 'cut-blobs' | 'stall-blobs' | 'silent';

export interface RegistryProxyOptions {
  fault?: RegistryFault;
  /** Docker Hub's anonymous bearer-token flow: /v2/ calls without the token get a 401 challenge. */
  tokenGate?: boolean;
  /** Drops `Docker-Content-Digest`, as some registries do. */
  stripDigest?: boolean;
  /** A fixed port: Podman pulls over plain http only from the registries listed as insecure (5001, 5002). */
  port?: number;
  /**
   * The token service wants this login, as Docker Hub's does: basic auth with the user and
   * password, or OAuth2's refresh-token grant (POST) with the identity token; else 401.
   */
  tokenLogin?: { username: string; password: string; identityToken?: string };
  /**
   * Docker Hub at its pull limit: manifests answer 429 with its rate-limit headers and body;
   * `loggedInPasses`: requests with a token handed out for a login are served.
   */
  rateLimit?: { limit: number; windowSeconds: number; retryAfterSeconds?: number; loggedInPasses?: boolean };
}

/** Docker Hub's answer at its limit (docs.docker.com/docker-hub/download-rate-limit). */
export const HUB_LIMIT_BODY = JSON.stringify({
  errors: [
    {
      code: 'TOOMANYREQUESTS',
      message:
        'You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
    },
  ],
});

export interface RegistryProxy {
  host: string;
  /** Each token request: the user it logged in as (`identity-token` for a refresh grant), or `anonymous`. */
  readonly logins: string[];
  /** Every request's method and path, in order. */
  readonly requests: string[];
  /** The blob GETs it received. */
  blobRequests(): number;
  /** The `service scope` of each token it handed out. */
  readonly scopes: string[];
  close(): Promise<void>;
}

const REGISTRY = { host: '127.0.0.1', port: 5000 };
const TOKEN = 'anonymous-test-token';
const LOGGED_IN_TOKEN = 'logged-in-test-token';
/** How much of a blob a cut or stalled answer lets through. */
const FIRST_BYTES = 512;

/** The loopback registry on 127.0.0.1:5000 behind a front of the tests' own. */
export const startRegistryProxy = async (options: RegistryProxyOptions = {}): Promise<RegistryProxy> => {
  const scopes: string[] = [];
  const logins: string[] = [];
  const requests: string[] = [];
  let blobRequests = 0;
  let port = 0;

  const challenge = (url: URL, outgoing: ServerResponse) => {
    const repository = url.pathname.split('/manifests/')[0]?.replace('/v2/', '');
    outgoing
      .writeHead(401, {
        'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry",scope="repository:${repository}:pull"`,
      })
      .end();
  };

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const isBlob = incoming.method === 'GET' && (incoming.url?.includes('/blobs/') ?? false);
    if (isBlob) blobRequests++;
    const upstream = request(
      { ...REGISTRY, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (response) => {
        const headers = { ...response.headers };
        if (options.stripDigest) delete headers['docker-content-digest'];
        outgoing.writeHead(response.statusCode ?? 502, headers);
        const breaks = options.fault === 'cut-blobs' || options.fault === 'stall-blobs';
        if (!isBlob || !breaks) {
          response.pipe(outgoing);
          return;
        }
        response.once('data', (chunk: Buffer) => {
          outgoing.write(chunk.subarray(0, FIRST_BYTES));
          response.destroy();
          if (options.fault === 'cut-blobs') outgoing.destroy();
        });
      },
    );
    incoming.pipe(upstream);
  };

  /** The token for this request's login; undefined: the login is refused. */
  const tokenFor = async (incoming: IncomingMessage, url: URL): Promise<string | undefined> => {
    const wanted = options.tokenLogin;
    if (incoming.method === 'POST') {
      let form = '';
      for await (const chunk of incoming) form += String(chunk);
      const fields = new URLSearchParams(form);
      scopes.push(`${fields.get('service')} ${fields.get('scope')}`);
      logins.push('identity-token');
      const good =
        fields.get('grant_type') === 'refresh_token' &&
        wanted?.identityToken !== undefined &&
        fields.get('refresh_token') === wanted.identityToken;
      return good ? LOGGED_IN_TOKEN : undefined;
    }
    scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
    const basic = /^Basic (.*)$/.exec(incoming.headers.authorization ?? '')?.[1];
    if (!basic) {
      logins.push('anonymous');
      return wanted ? undefined : TOKEN;
    }
    const [username, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    logins.push(username ?? '');
    if (!wanted) return LOGGED_IN_TOKEN;
    return username === wanted.username && rest.join(':') === wanted.password ? LOGGED_IN_TOKEN : undefined;
  };

  const server: Server = createServer(async (incoming, outgoing) => {
    if (options.fault === 'silent') return;
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    requests.push(`${incoming.method} ${url.pathname}`);
    if ((options.tokenGate || options.tokenLogin) && url.pathname === '/token') {
      const token = await tokenFor(incoming, url);
      if (!token) {
        outgoing
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"incorrect username or password"}');
        return;
      }
      outgoing
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: token, token }));
      return;
    }
    const authorization = incoming.headers.authorization;
    const loggedIn = authorization === `Bearer ${LOGGED_IN_TOKEN}`;
    if ((options.tokenGate || options.tokenLogin) && authorization !== `Bearer ${TOKEN}` && !loggedIn) {
      challenge(url, outgoing);
      return;
    }
    const limit = options.rateLimit;
    if (limit && url.pathname.includes('/manifests/') && !(limit.loggedInPasses && loggedIn)) {
      outgoing
        .writeHead(429, {
          'content-type': 'application/json',
          'ratelimit-limit': `${limit.limit};w=${limit.windowSeconds}`,
          'ratelimit-remaining': `0;w=${limit.windowSeconds}`,
          'docker-ratelimit-source': '127.0.0.1',
          ...(limit.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(limit.retryAfterSeconds) }),
        })
        .end(incoming.method === 'HEAD' ? undefined : HUB_LIMIT_BODY);
      return;
    }
    if (options.fault === 'manifest-500' && url.pathname.includes('/manifests/')) {
      outgoing.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN"}]}');
      return;
    }
    forward(incoming, outgoing);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    host: `localhost:${port}`,
    blobRequests: () => blobRequests,
    scopes,
    logins,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
