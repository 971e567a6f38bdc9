import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'status-500' | 'cut-blob' | 'silent';

/**
 * The loopback registry behind a front that fails on purpose: every manifest answers 500, or
 * every blob body is cut after its first bytes (the connection destroyed mid-body), or nothing
 * is ever answered (the connection held open: a registry that times out).
 */
export const startFaultyRegistry = async (fault: Fault, port: number) => {
  const server: Server = createServer((incoming, outgoing) => {
    if (fault === 'silent') return;
    const isManifest = incoming.url?.includes('/manifests/') ?? false;
    if (fault === 'status-500' && isManifest) {
      outgoing.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN"}]}');
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
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        if (fault === 'cut-blob' && incoming.url?.includes('/blobs/') && incoming.method === 'GET') {
          response.once('data', (chunk: Buffer) => {
            outgoing.write(chunk.subarray(0, Math.min(chunk.length, 512)));
            outgoing.destroy();
            response.destroy();
          });
          return;
        }
        response.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: `localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
