import type { Readable } from 'node:stream';
import type { EngineName } from '../../shared/engine-names.js';
import { engineNotAnswering } from '../../shared/failures.js';
import { type Dispatcher, Pool } from '../../shared/http.js';
import type { DockerEndpoint } from './endpoint.js';
import { type EngineTransport, transportFor } from './transport.js';

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
  /** `X-Registry-Auth` for a pull: it holds a secret, so nothing logs requests' headers. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * At the engine's own API version, not the bridge's: an answer at an older version leaves out
   * the fields that came later (`/info`'s DiscoveredDevices below API 1.50).
   */
  unversioned?: boolean;
}

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
  private readonly transport: EngineTransport;
  private prefix = '';

  constructor(
    readonly endpoint: DockerEndpoint,
    private readonly engine: EngineName,
  ) {
    this.transport = transportFor(endpoint);
    const { origin, connect } = this.transport;
    this.pool = new Pool(origin, {
      connections: 16,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect,
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
    const headers: Record<string, string> = { ...request.headers };
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
        path: `${request.unversioned ? '' : this.prefix}${request.path}${search ? `?${search}` : ''}`,
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
      if (error instanceof EngineHttpError || (error as Error)?.name === 'AbortError') throw error;
      throw this.translate(await this.explain(error));
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

  /** A failed connection's cause, as the transport knows it (what ssh printed). */
  async explain(error: unknown): Promise<unknown> {
    return (await this.transport.explain?.(error)) ?? error;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
    this.transport.close?.();
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
    const tls = this.endpoint.kind === 'tcp' ? this.endpoint.tls : undefined;
    return engineNotAnswering(this.engine, this.endpoint.description, error, tls);
  }
}
