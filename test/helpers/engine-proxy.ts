import { rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface Cut {
  /** The request whose stream is cut, by its request line (`POST /v1.41/exec/ID/start`). */
  request: RegExp;
  /** Which way the bytes are counted: the engine's answer, or the bridge's upload. */
  direction: 'answer' | 'upload';
  afterBytes: number;
  /** FIN (the engine closes its side) or RST (the connection is torn down). */
  how: 'fin' | 'rst';
}

/**
 * A proxy in front of an engine's unix socket, on a unix socket of its own or on 127.0.0.1 (the
 * bridge reaches it as `tcp://`). It counts connections and `_ping` calls, can go away and come
 * back (an engine that stops and starts again), and cuts a stream once a `Cut` is armed: when
 * that many bytes of the chosen request's stream have passed, it closes the bridge's connection
 * the chosen way.
 */
export class EngineProxy {
  private cut: Cut | undefined;
  private fired: (() => void) | undefined;
  private readonly sockets = new Set<Socket>();
  private connectionCount = 0;
  private pingCount = 0;
  private address: string | number = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  /** `path`: listen on this unix socket; without it, on a free TCP port of 127.0.0.1. */
  static async start(target: string, path?: string): Promise<EngineProxy> {
    const proxy = new EngineProxy(createServer(), target);
    if (path) rmSync(path, { force: true });
    proxy.address = path ?? 0;
    await proxy.listen();
    if (!path) proxy.address = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** What the bridge is given as DOCKER_HOST or CONTAINER_HOST. */
  get host(): string {
    return typeof this.address === 'string' ? `unix://${this.address}` : `tcp://127.0.0.1:${this.address}`;
  }

  connections(): number {
    return this.connectionCount;
  }

  pings(): number {
    return this.pingCount;
  }

  /** Arms one cut; settles when it has happened. */
  arm(cut: Cut): Promise<void> {
    this.cut = cut;
    return new Promise((resolve) => {
      this.fired = resolve;
    });
  }

  /** Goes away: every connection dropped, nothing listening. */
  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Comes back where it was. */
  listen(): Promise<void> {
    return new Promise((resolve) => {
      if (typeof this.address === 'string') this.server.listen(this.address, resolve);
      else this.server.listen(this.address, '127.0.0.1', resolve);
    });
  }

  private relay(client: Socket): void {
    this.connectionCount++;
    const upstream = connect(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    }
    let counting = false;
    let counted = 0;
    const cutNow = () => {
      const how = this.cut?.how;
      this.cut = undefined;
      counting = false;
      if (how === 'rst') client.resetAndDestroy();
      else client.end();
      upstream.destroy();
      this.fired?.();
    };
    const count = (direction: Cut['direction'], bytes: number) => {
      if (!counting || this.cut?.direction !== direction) return;
      counted += bytes;
      if (counted >= this.cut.afterBytes) cutNow();
    };
    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 4096).toString('latin1');
      this.pingCount += head.match(/ \/(v[\d.]+\/)?_ping /g)?.length ?? 0;
      const line = /^(GET|POST|PUT|DELETE|HEAD) \S+/m.exec(head)?.[0];
      if (line && this.cut?.request.test(line) && !counting) {
        counting = true;
        counted = 0;
      }
      if (upstream.writable) upstream.write(chunk);
      count('upload', chunk.length);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (client.writable) client.write(chunk);
      count('answer', chunk.length);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }
}
