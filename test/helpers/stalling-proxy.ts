import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy to the loopback registry that passes everything but blob bodies, which stall after
 * their first chunk: a pull through it stays in flight until it is cancelled.
 */
export const startStallingProxy = async (target = { host: '127.0.0.1', port: 5000 }) => {
  let blobRequests = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const upstream = request(
      { ...target, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        if (!incoming.url?.includes('/blobs/') || incoming.method !== 'GET') {
          response.pipe(outgoing);
          return;
        }
        blobRequests++;
        response.once('data', (chunk: Buffer) => {
          outgoing.write(chunk.subarray(0, Math.min(chunk.length, 1024)));
          response.destroy();
        });
      },
    );
    incoming.pipe(upstream);
  });
  // A fixed port: Podman pulls over plain http only from registries listed as insecure.
  await new Promise<void>((resolve) => server.listen(5001, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `localhost:${port}`,
    blobRequests: () => blobRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
