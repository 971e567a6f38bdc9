import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface PeerRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** Plays one answer on the raw socket; answering 'keep' waits for the next request on it. */
export type Play = (socket: Socket, request: PeerRequest) => Promise<'keep' | undefined> | 'keep' | undefined;

/**
 * An HTTP peer of the tests' own on 127.0.0.1, written on raw TCP (Node's `net`) so that it can
 * behave as no well-mannered server does: close or reset mid-body, lie about lengths, trickle,
 * fall silent, loop redirects.
 */
export class HttpPeer {
  readonly requests: PeerRequest[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private play: Play,
  ) {
    server.on('connection', (socket) => this.serve(socket));
  }

  static async start(play: Play = () => undefined): Promise<HttpPeer> {
    const peer = new HttpPeer(createServer(), play);
    peer.server.listen(0, '127.0.0.1');
    await once(peer.server, 'listening');
    return peer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/image.tar'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next connections are answered this way. */
  playing(play: Play): this {
    this.play = play;
    return this;
  }

  /** Ends every connection still open (a silent or trickling case's). */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [requestLine = '', ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      buffered = buffered.subarray(end + 4);
      const [method = '', path = ''] = requestLine.split(' ');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const request = { method, path, headers };
      this.requests.push(request);
      socket.off('data', onData);
      void Promise.resolve(this.play(socket, request)).then(
        (next) => {
          if (next === 'keep' && !socket.destroyed) socket.on('data', onData);
        },
        () => socket.destroy(),
      );
    };
    socket.on('data', onData);
  }
}

/** What a play answers to wait for the next request on the same connection. */
export const KEEP = 'keep' as const;

/** A status line and headers, as bytes. */
export const head = (
  status: string,
  headers: Record<string, string | number> = {},
  version = '1.1',
): string =>
  `HTTP/${version} ${status}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

export const send = (socket: Socket, data: string | Buffer): Promise<void> =>
  new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.write(data, () => resolve());
  });

/** Sends `data` in pieces of `size` bytes, `intervalMs` apart; stops if the socket goes. */
export const trickle = async (socket: Socket, data: Buffer, intervalMs: number, size = 1): Promise<void> => {
  for (let offset = 0; offset < data.length && !socket.destroyed; offset += size) {
    await send(socket, data.subarray(offset, offset + size));
    await delay(intervalMs);
  }
};

/** FIN: the peer closes its side. */
export const finish = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    socket.end(() => resolve());
  });

/** RST: the connection is torn down at once. */
export const reset = (socket: Socket): void => {
  socket.resetAndDestroy();
};

/** Chunked transfer coding of `data`, in chunks of `size` bytes. */
export const chunked = (data: Buffer, size: number): Buffer => {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    const piece = data.subarray(offset, offset + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
};
