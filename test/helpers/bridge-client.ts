import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { asCallerInPrivateMount } from './namespaces.js';
import { asCaller, bridgeCommand, type Command } from './paths.js';
import { REMOTE_ENGINE, withRemoteEngine } from './remote-engine.js';

export interface RpcResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params: Record<string, unknown>;
}

type Incoming = RpcResponse | RpcNotification;

/**
 * Drives the built bundle over real pipes, as Brainstorm's shim or any other language would.
 * Every line on stdout must be a JSON-RPC message: anything else fails the request waiting for
 * its answer, or the next one, in the test that is running.
 */
export class BridgeClient {
  readonly child: ChildProcess;
  readonly notifications: RpcNotification[] = [];
  readonly strayLines: string[] = [];
  readonly unmatched: RpcResponse[] = [];
  stderr = '';
  private nextId = 1;
  private readonly waiting = new Map<
    string | number,
    { resolve: (response: RpcResponse) => void; reject: (error: Error) => void }
  >();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /**
   * `env` comes after the remote engine's (BST_TEST_REMOTE), if any. `wrapper`: a command the
   * bridge runs under (its argv prefix), e.g. in another namespace. `command`: the whole command
   * instead (whose own user, environment and folder it sets), for a bridge another program starts
   * for the caller, as `srun` does.
   */
  constructor(
    options: { env?: NodeJS.ProcessEnv; args?: string[]; wrapper?: string[]; command?: Command } = {},
  ) {
    const argv = [...bridgeCommand, ...(options.args ?? [])];
    const folder = REMOTE_ENGINE?.privateFolder;
    const bridge =
      options.command ??
      (folder
        ? asCallerInPrivateMount(folder, argv, withRemoteEngine(options.env))
        : asCaller(argv, withRemoteEngine(options.env)));
    const [command, ...args] = [...(options.wrapper ?? []), bridge.file, ...bridge.args];
    this.child = spawn(command as string, args, {
      env: bridge.env,
      cwd: bridge.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    const lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => this.receive(line));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // A bridge that could not start or died answers nothing more: fail what waits, with its words.
    this.child.on('close', (code, signal) => {
      for (const { reject } of this.waiting.values())
        reject(new Error(`the bridge ended (${signal ?? code}) before answering: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** Sends a raw line (anything, even invalid JSON). */
  sendLine(line: string | Buffer): void {
    this.child.stdin?.write(
      typeof line === 'string' ? `${line}\n` : Buffer.concat([line, Buffer.from('\n')]),
    );
  }

  send(message: Record<string, unknown>): void {
    this.sendLine(JSON.stringify(message));
  }

  /** Sends a request and resolves with its response (result or error). */
  request(method: string, params?: unknown, id: string | number = this.nextId++): Promise<RpcResponse> {
    const response = this.waitFor(id);
    this.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    return response;
  }

  /** The result of a call that must succeed. */
  async call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T> {
    const response = await this.request(method, params);
    if (response.error) throw new Error(`${method} failed: ${response.error.message}`);
    return response.result as T;
  }

  waitFor(id: string | number): Promise<RpcResponse> {
    return new Promise((resolve, reject) => {
      if (this.strayLines.length > 0) reject(this.strayError());
      else this.waiting.set(id, { resolve, reject });
    });
  }

  cancel(id: string | number): void {
    this.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id } });
  }

  notificationsFor(token: string | number, method?: string): RpcNotification[] {
    return this.notifications.filter((n) => n.params.token === token && (!method || n.method === method));
  }

  async close(): Promise<void> {
    this.child.stdin?.end();
    await this.exited;
  }

  private strayError(): Error {
    return new Error(`the bridge wrote lines that are not JSON-RPC 2.0: ${JSON.stringify(this.strayLines)}`);
  }

  private stray(line: string): void {
    this.strayLines.push(line);
    for (const { reject } of this.waiting.values()) reject(this.strayError());
    this.waiting.clear();
  }

  private receive(line: string): void {
    let message: Incoming;
    try {
      message = JSON.parse(line) as Incoming;
    } catch {
      this.stray(line);
      return;
    }
    if (message.jsonrpc !== '2.0') {
      this.stray(line);
      return;
    }
    if ('method' in message) {
      this.notifications.push(message);
      return;
    }
    const waiting = message.id === null ? undefined : this.waiting.get(message.id);
    if (waiting && message.id !== null) {
      this.waiting.delete(message.id);
      waiting.resolve(message);
    } else {
      this.unmatched.push(message);
    }
  }
}
