import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancellationTokenSource,
  createMessageConnection,
  type Message,
  type MessageConnection,
  ResponseError,
} from 'vscode-jsonrpc/node.js';
import type * as z from 'zod';
import type { InputOf, ResultOf } from '../../src/schemas/define-schema.js';
import type { MethodSchemas } from '../../src/schemas/index.js';
import type { MethodName } from '../../src/schemas/method-names.js';
import type { NOTIFICATIONS } from '../../src/schemas/notifications.js';
import { NdjsonReader } from '../../src/transport/ndjson-reader.js';
import { NdjsonWriter } from '../../src/transport/ndjson-writer.js';

// The types come from the bridge's own zod schemas, as types only: the client loads no zod.
export type { MethodName };
export type ParamsOf<Method extends MethodName> = InputOf<MethodSchemas[Method]>;
export type ResultFor<Method extends MethodName> = ResultOf<MethodSchemas[Method]>;
type ProgressParams = (typeof NOTIFICATIONS)[0]['params'];
export type ProgressValue = z.output<ProgressParams['value']>;
export type OutputStream = 'stdout' | 'stderr';

export interface CallOptions {
  /** Aborting it cancels the call in the bridge (`$/cancelRequest`: the work stops in the engine). */
  signal?: AbortSignal;
  /** Each `$/progress` value of this call (ImportImage). */
  onProgress?: (value: ProgressValue) => void;
  /** A command's output as it arrives (ExecInContainer, a non-daemon RunContainer). */
  onOutput?: (stream: OutputStream, text: string) => void;
}

export interface BridgeOptions {
  /** The argv that starts the bridge; by default found as `findBridge` says. */
  command?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** An error the bridge answered (`code`, `message`, `data` as in its README), or the bridge failing (code undefined). */
export class BstContainersError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'BstContainersError';
  }
}

/** The bridge could not be started. */
export class BridgeNotFoundError extends BstContainersError {
  override name = 'BridgeNotFoundError';
}

/** The bridge exited, or broke the protocol, before it answered. */
export class BridgeStoppedError extends BstContainersError {
  override name = 'BridgeStoppedError';
}

const STDERR_KEPT_CHARS = 4000;
const MAX_LINE_BYTES = 64 * 1024 * 1024;

const PLATFORM_BINARY: Record<string, string> = {
  'linux-x64': 'bst-containers-linux-x64',
  'linux-arm64': 'bst-containers-linux-arm64',
  'darwin-x64': 'bst-containers-darwin-x64',
  'darwin-arm64': 'bst-containers-darwin-arm64',
  'win32-x64': 'bst-containers-win-x64.exe',
};

/**
 * The bridge's argv: BST_CONTAINERS_BRIDGE (a `.js` bundle runs under BST_CONTAINERS_NODE or this
 * Node), else this computer's single executable in `bin/` beside this file (after `npm run dist`),
 * else the bundle beside this file under BST_CONTAINERS_NODE or this Node.
 */
export const findBridge = (): string[] => {
  const node = process.env.BST_CONTAINERS_NODE || process.execPath;
  const given = process.env.BST_CONTAINERS_BRIDGE;
  if (given) return given.endsWith('.js') ? [node, given] : [given];
  const here = dirname(fileURLToPath(import.meta.url));
  const binary = PLATFORM_BINARY[`${process.platform}-${process.arch}`];
  if (binary && existsSync(join(here, 'bin', binary))) return [join(here, 'bin', binary)];
  return [node, join(here, 'bst-containers.js')];
};

export class BridgeClient extends EventEmitter<{
  progress: [token: string, value: ProgressValue];
  output: [token: string, stream: OutputStream, text: string];
}> {
  private nextToken = 1;
  private stderr = '';
  private stopped: BridgeStoppedError | undefined;
  private readonly stoppedOnce: Promise<never>;
  private stop: (error: BridgeStoppedError) => void = () => {};

  private constructor(
    readonly process: ChildProcess,
    readonly command: readonly string[],
    private readonly connection: MessageConnection,
    private readonly reader: NdjsonReader,
  ) {
    super();
    this.stoppedOnce = new Promise<never>((_, reject) => {
      this.stop = (error) => {
        this.stopped ??= error;
        reject(this.stopped);
      };
    });
    this.stoppedOnce.catch(() => {});
  }

  /** Starts the bridge and connects to it. */
  static async start(options: BridgeOptions = {}): Promise<BridgeClient> {
    const command = [...(options.command ?? findBridge())];
    const child = spawn(command[0] as string, command.slice(1), {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(
          new BridgeNotFoundError(
            `The bst-containers bridge could not be started (${command.join(' ')}): ${error.message}`,
          ),
        ),
      );
    });
    let client: BridgeClient | undefined;
    const reader = new NdjsonReader(
      child.stdout,
      {
        line: (line) => client?.parse(line),
        oversize: (size) =>
          client?.fail(`wrote a line of ${size} bytes, more than ${MAX_LINE_BYTES}, on its stdout`),
      },
      MAX_LINE_BYTES,
    );
    const connection = createMessageConnection(reader, new NdjsonWriter(child.stdin), undefined, {
      messageStrategy: {
        handleMessage: (message, next) => {
          reader.taken(message);
          next(message);
        },
      },
    });
    client = new BridgeClient(child, command, connection, reader);
    client.wire();
    return client;
  }

  private wire(): void {
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT_CHARS);
    });
    this.process.on('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = this.stderr.trim();
      this.stop(
        new BridgeStoppedError(
          `The bst-containers bridge (${this.command.join(' ')}) ${how} before it answered.${said ? ` It said: ${said.slice(-1000)}` : ''}`,
        ),
      );
    });
    this.process.stdin?.on('error', () => {});
    this.connection.onNotification('$/progress', (params: { token: string; value: ProgressValue }) =>
      this.emit('progress', String(params.token), params.value),
    );
    this.connection.onNotification(
      'bst/output',
      (params: { token: string; stream: OutputStream; text: string }) =>
        this.emit('output', String(params.token), params.stream, params.text),
    );
    this.connection.listen();
  }

  private parse(line: Buffer): Message | undefined {
    const text = line.toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      const message = JSON.parse(text) as Message;
      if (typeof message === 'object' && message !== null && message.jsonrpc === '2.0') return message;
    } catch {}
    this.fail(`wrote a line that is not JSON-RPC 2.0 on its stdout: ${JSON.stringify(text.slice(0, 300))}`);
    return undefined;
  }

  /** The stream cannot be trusted any more: every call fails with what happened, and the bridge is ended. */
  private fail(what: string): void {
    this.stop(
      new BridgeStoppedError(
        `The bst-containers bridge (${this.command.join(' ')}) ${what}, so its answers cannot be trusted; it was stopped.`,
      ),
    );
    this.process.kill('SIGKILL');
  }

  /** Calls a method with params by name; answers its result, or throws BstContainersError. */
  async call<Method extends MethodName>(
    method: Method,
    params?: ParamsOf<Method>,
    options: CallOptions = {},
  ): Promise<ResultFor<Method>> {
    if (this.stopped) throw this.stopped;
    options.signal?.throwIfAborted();
    const token = options.onProgress || options.onOutput ? `ts-${this.nextToken++}` : undefined;
    const onProgress = (from: string, value: ProgressValue) => from === token && options.onProgress?.(value);
    const onOutput = (from: string, stream: OutputStream, text: string) =>
      from === token && options.onOutput?.(stream, text);
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (token) {
      this.on('progress', onProgress);
      this.on('output', onOutput);
    }
    try {
      const sent = { ...(params ?? {}), ...(token ? { progressToken: token } : {}) };
      return (await Promise.race([
        this.connection.sendRequest(method, sent, cancel.token),
        this.stoppedOnce,
      ])) as ResultFor<Method>;
    } catch (error) {
      if (error instanceof ResponseError) throw new BstContainersError(error.message, error.code, error.data);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.off('progress', onProgress);
      this.off('output', onOutput);
      cancel.dispose();
    }
  }

  /** Ends the bridge: its input closes, calls in flight are cancelled, it exits. */
  async close(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.stdin?.end();
      await exited;
    }
    this.connection.dispose();
    this.reader.dispose();
  }
}

/** Starts the bridge and connects: `const bridge = await connectBridge(); await bridge.call('GetImages')`. */
export const connectBridge = (options?: BridgeOptions): Promise<BridgeClient> => BridgeClient.start(options);
