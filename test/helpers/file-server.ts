import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  url(name: string): string;
  close(): Promise<void>;
}

export interface FileServerOptions {
  /** Sends this many bytes, then stalls: for cancellation tests. */
  stallAfterBytes?: number;
  /** Sends this many bytes, then cuts the connection: for broken downloads. */
  cutAfterBytes?: number;
  /** Another address than 127.0.0.1: one that is not loopback goes through a proxy. */
  host?: string;
}

/** Serves files on 127.0.0.1 for URL imports, as a plugin's ImageSource URL would be. */
export const startFileServer = async (
  files: Record<string, string>,
  options: FileServerOptions = {},
): Promise<FileServer> => {
  const server: Server = createServer((request, response) => {
    const path = files[(request.url ?? '').slice(1)];
    if (!path) {
      response.writeHead(404).end('not found');
      return;
    }
    const size = statSync(path).size;
    response.writeHead(200, { 'content-length': size, 'content-type': 'application/x-tar' });
    const limit = options.stallAfterBytes ?? options.cutAfterBytes;
    if (limit === undefined) {
      createReadStream(path).pipe(response);
      return;
    }
    createReadStream(path, { end: limit - 1 })
      .on('data', (chunk) => response.write(chunk))
      .on('end', () => {
        if (options.cutAfterBytes !== undefined) response.destroy();
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://${host}:${port}/${name}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
