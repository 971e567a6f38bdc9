import type { Readable } from 'node:stream';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { faultInjectingConnector } from '../../shared/fault-injection.js';
import { type Dispatcher, Pool } from '../../shared/http.js';
import type { DockerEndpoint } from './endpoint.js';

/** An error status from the Engine API, with the engine's own message. */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineHttpError';
  }
}

export const isEngineHttpError = (error: unknown, statusCode?: number): error is EngineHttpError =>
  error instanceof EngineHttpError && (statusCode === undefined || error.statusCode === statusCode);

export interface ApiRequest {
  method?: Dispatcher.HttpMethod;
  path: string;
  /** Booleans go as `true`/`false`: Podman's compat API rejects `1` for them (silently, in 4.x). */
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as is (a stream or bytes) instead of JSON. */
  rawBody?: Readable | Buffer;
  contentType?: string;
  signal?: AbortSignal;
}

const START_DOCKER = 'Start Docker (Docker Desktop, or `sudo systemctl start docker`)';
const START_PODMAN =
  'Start its service (`systemctl --user enable --now podman.socket`, or as root `sudo systemctl enable --now podman.socket`)';
const DOCKER_GROUP = 'Add your user to the docker group (`sudo usermod -aG docker $USER`), then log in again';

/** What to do when the socket does not answer, by error code: Docker's remedies, or Podman's. */
export const connectAdvice = (code: string, engineLabel: string): string | undefined => {
  const start = engineLabel === 'Podman' ? START_PODMAN : START_DOCKER;
  const access =
    engineLabel === 'Podman' ? 'Check who owns the socket, or use your own (rootless) Podman' : DOCKER_GROUP;
  switch (code) {
    case 'ENOENT':
      return `its socket does not exist. ${start}`;
    case 'ECONNREFUSED':
      return `nothing answers on its socket. ${start}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on its socket. ${access}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'it closed the connection (it may have stopped). Start it again, then retry';
    default:
      return undefined;
  }
};

/** A kept-alive connection the engine closed (it stopped, or restarted) is found out on reuse. */
const isStaleConnection = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
};

/**
 * The Docker Engine API over one keep-alive connection pool. Paths are versioned once the engine's
 * API version is known, so behaviour does not drift with the engine's default version.
 */
export class DockerApi {
  private readonly pool: Pool;
  private prefix = '';

  constructor(
    readonly endpoint: DockerEndpoint,
    private readonly engineLabel = 'Docker',
  ) {
    const origin = endpoint.kind === 'tcp' ? endpoint.origin : 'http://localhost';
    const connect = endpoint.kind === 'socket' ? { socketPath: endpoint.socketPath } : {};
    this.pool = new Pool(origin, {
      connections: 16,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: faultInjectingConnector(connect) ?? connect,
    });
  }

  useApiVersion(version: string): void {
    this.prefix = `/v${version}`;
  }

  async request(request: ApiRequest): Promise<Dispatcher.ResponseData> {
    const query = Object.fromEntries(
      Object.entries(request.query ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, String(value)]),
    );
    const search = new URLSearchParams(query).toString();
    const headers: Record<string, string> = {};
    let body: Dispatcher.DispatchOptions['body'];
    if (request.rawBody !== undefined) {
      body = request.rawBody;
      headers['content-type'] = request.contentType ?? 'application/octet-stream';
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const send = () =>
      this.pool.request({
        method: request.method ?? 'GET',
        path: `${this.prefix}${request.path}${search ? `?${search}` : ''}`,
        headers,
        body,
        signal: request.signal,
      });
    try {
      // A GET has no effect to repeat: once more, on a new connection, says what became of the engine.
      const response = await send().catch((error: unknown) => {
        if ((request.method ?? 'GET') === 'GET' && isStaleConnection(error)) return send();
        throw error;
      });
      if (response.statusCode >= 400) throw await this.httpError(response);
      return response;
    } catch (error) {
      throw this.translate(error);
    }
  }

  async json<T>(request: ApiRequest): Promise<T> {
    const response = await this.request(request);
    const text = await response.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** For calls whose answer carries nothing we need (204, 201, 304). */
  async call(request: ApiRequest): Promise<void> {
    const response = await this.request(request);
    await response.body.dump();
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async httpError(response: Dispatcher.ResponseData): Promise<EngineHttpError> {
    const text = await response.body.text().catch(() => '');
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {}
    return new EngineHttpError(response.statusCode, message || `HTTP ${response.statusCode}`);
  }

  private translate(error: unknown): unknown {
    if (error instanceof EngineHttpError || (error as Error)?.name === 'AbortError') return error;
    const code =
      (error as NodeJS.ErrnoException)?.code ?? (error as { cause?: NodeJS.ErrnoException })?.cause?.code;
    const advice = code ? connectAdvice(code, this.engineLabel) : undefined;
    const reason = advice ?? `it did not answer (${(error as Error)?.message ?? String(error)})`;
    return new BridgeError(
      ErrorCode.EngineNotAnswering,
      `${this.engineLabel} is not answering at ${this.endpoint.description}: ${reason}.`,
      { data: { code, engineMessage: (error as Error)?.message }, cause: error },
    );
  }
}
