import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** What the bridge asked the engine to create: the query's name and the JSON body. */
export interface RecordedCreate {
  name: string | null;
  body: { HostConfig?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * An address of this machine that is not its loopback (the test engines' bridge network,
 * scripts/start-engines.sh): to the bridge, an engine there is on another machine.
 */
export const ANOTHER_MACHINE = '169.254.213.1';

/** The NVIDIA Container Toolkit's runtime, as `nvidia-ctk runtime configure` registers it in Docker. */
const NVIDIA_RUNTIME = { nvidia: { path: 'nvidia-container-runtime' } };

const readAll = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * An HTTP proxy in front of a real engine's unix socket that stands in for an NVIDIA GPU host
 * and nothing else: when `reportNvidiaRuntime` is set it adds the toolkit's `nvidia` runtime to
 * the engine's `/info` answer, as a host with the toolkit would report it; it records the
 * bridge's `POST /containers/create` bodies; everything else (and the engine's own refusals)
 * passes through as the engine answers it, hijacked streams included.
 */
export class GpuHostProxy {
  reportNvidiaRuntime = false;
  readonly creates: RecordedCreate[] = [];
  /** The `/info` paths asked, as the bridge asked them (versioned or not). */
  readonly infoPaths: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    private readonly address: string,
  ) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.forward(request, response).catch((error: Error) => response.destroy(error));
    });
    server.on('upgrade', (request: IncomingMessage, client: Socket, head: Buffer) =>
      this.tunnel(request, client, head),
    );
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /**
   * Listens on a free port of `address`: 127.0.0.1 is this machine to the bridge, any other
   * address of this machine is another machine to it (a `tcp://` engine elsewhere).
   */
  static async start(target: string, address = '127.0.0.1'): Promise<GpuHostProxy> {
    const proxy = new GpuHostProxy(createServer(), target, address);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, address, resolve);
    });
    return proxy;
  }

  /** What the bridge is given as DOCKER_HOST or CONTAINER_HOST. */
  get host(): string {
    return `tcp://${this.address}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private engineRequest(request: IncomingMessage) {
    return httpRequest({
      socketPath: this.target,
      method: request.method,
      path: request.url,
      headers: request.headers,
    });
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://engine').pathname;
    const isInfo = request.method === 'GET' && /^(\/v[\d.]+)?\/info$/.test(path);
    const isCreate = request.method === 'POST' && /^(\/v[\d.]+)?\/containers\/create$/.test(path);
    const upstream = this.engineRequest(request);
    if (isCreate) {
      const body = await readAll(request);
      this.creates.push({
        name: new URL(request.url ?? '/', 'http://engine').searchParams.get('name'),
        body: JSON.parse(body.toString() || '{}'),
      });
      upstream.end(body);
    } else {
      request.pipe(upstream);
    }
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', reject);
    });
    if (!isInfo) {
      response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(response);
      return;
    }
    this.infoPaths.push(request.url ?? '');
    const info = JSON.parse((await readAll(answer)).toString()) as { Runtimes?: Record<string, unknown> };
    if (this.reportNvidiaRuntime) info.Runtimes = { ...info.Runtimes, ...NVIDIA_RUNTIME };
    const text = JSON.stringify(info);
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    response.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  /** A hijacked stream (attach, exec): the request head goes on, then bytes both ways. */
  private tunnel(request: IncomingMessage, client: Socket, head: Buffer): void {
    const upstream = connect(this.target);
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }
}
