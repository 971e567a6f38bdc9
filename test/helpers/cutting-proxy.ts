import { once } from 'node:events';
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
 * A TCP proxy on 127.0.0.1 in front of an engine's unix socket (the bridge reaches it as
 * `tcp://`), which passes everything until a `Cut` is armed: then, once that many bytes of the
 * chosen request's stream have passed, it closes the bridge's connection the chosen way, once.
 */
export class CuttingProxy {
  private cut: Cut | undefined;
  private fired: (() => void) | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  static async start(target: string): Promise<CuttingProxy> {
    const proxy = new CuttingProxy(createServer(), target);
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
    return proxy;
  }

  get host(): string {
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Arms one cut; settles when it has happened. */
  arm(cut: Cut): Promise<void> {
    this.cut = cut;
    return new Promise((resolve) => {
      this.fired = resolve;
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
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
      const line = /^(GET|POST|PUT|DELETE|HEAD) \S+/m.exec(chunk.subarray(0, 4096).toString('latin1'))?.[0];
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
