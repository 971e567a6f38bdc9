import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const TOKEN = 'anonymous-test-token';

/**
 * Docker Hub's anonymous bearer-token flow in front of the real loopback registry: /v2/ calls
 * without the token get a 401 challenge; /token hands it out for the scope asked. With
 * `stripDigest` the gate drops `Docker-Content-Digest`, as some registries do.
 */
export const startTokenGate = async (options: { stripDigest?: boolean } = {}) => {
  const scopes: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', 'http://gate');
    if (url.pathname === '/token') {
      scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
      outgoing
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: TOKEN }));
      return;
    }
    if (incoming.headers.authorization !== `Bearer ${TOKEN}`) {
      const repository = url.pathname.split('/manifests/')[0]?.replace('/v2/', '');
      outgoing
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry",scope="repository:${repository}:pull"`,
        })
        .end();
      return;
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: 5000,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (response) => {
        const headers = { ...response.headers };
        if (options.stripDigest) delete headers['docker-content-digest'];
        outgoing.writeHead(response.statusCode ?? 502, headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    scopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
