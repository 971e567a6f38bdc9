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
}

export interface RegistryProxy {
  host: string;
  /** The blob GETs it received. */
  blobRequests(): number;
  /** The `service scope` of each token it handed out. */
  readonly scopes: string[];
  close(): Promise<void>;
}

const REGISTRY = { host: '127.0.0.1', port: 5000 };
const TOKEN = 'anonymous-test-token';
/** How much of a blob a cut or stalled answer lets through. */
const FIRST_BYTES = 512;

/** The loopback registry on 127.0.0.1:5000 behind a front of the tests' own. */
export const startRegistryProxy = async (options: RegistryProxyOptions = {}): Promise<RegistryProxy> => {
  const scopes: string[] = [];
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

  const server: Server = createServer((incoming, outgoing) => {
    if (options.fault === 'silent') return;
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    if (options.tokenGate && url.pathname === '/token') {
      scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
      outgoing
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: TOKEN }));
      return;
    }
    if (options.tokenGate && incoming.headers.authorization !== `Bearer ${TOKEN}`) {
      challenge(url, outgoing);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
