import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A unix socket in front of the real Docker socket that counts connections and `_ping` calls,
 * and can be stopped and started again to play an engine that goes away and comes back.
 */
export const startSocketProxy = async (path: string, target = '/var/run/docker.sock') => {
  let connections = 0;
  let pings = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections++;
    sockets.add(client);
    const upstream = connect(target);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      pings += chunk.toString('latin1').match(/ \/(v[\d.]+\/)?_ping /g)?.length ?? 0;
    });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  const listen = () => new Promise<void>((resolve) => server.listen(path, resolve));
  rmSync(path, { force: true });
  await listen();
  return {
    connections: () => connections,
    pings: () => pings,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
    start: listen,
  };
};
