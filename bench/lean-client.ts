import { type ChildProcess, spawn } from 'node:child_process';
import { bundlePath } from '../test/helpers/paths.js';

/**
 * The smallest honest client for timing the protocol: writes request lines, splits the answers
 * on newlines and parses each, resolving the caller waiting for that id. No readline, no extras.
 */
export class LeanClient {
  readonly child: ChildProcess;
  private readonly waiting = new Map<number, (answer: { result?: unknown; error?: unknown }) => void>();
  private pending = '';
  private nextId = 1;

  /** `command`: how to start the bridge, when not the bundle on this Node (as another user, say). */
  constructor(
    env: NodeJS.ProcessEnv = process.env,
    command: { file: string; args: string[]; cwd?: string } = { file: process.execPath, args: [bundlePath] },
  ) {
    this.child = spawn(command.file, command.args, {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
      cwd: command.cwd,
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.pending += chunk;
      let newline = this.pending.indexOf('\n');
      while (newline !== -1) {
        const message = JSON.parse(this.pending.slice(0, newline)) as {
          id?: number;
          result?: unknown;
          error?: unknown;
        };
        this.pending = this.pending.slice(newline + 1);
        if (typeof message.id === 'number') {
          this.waiting.get(message.id)?.(message);
          this.waiting.delete(message.id);
        }
        newline = this.pending.indexOf('\n');
      }
    });
  }

  call(method: string, params?: unknown): Promise<{ result?: unknown; error?: unknown }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin?.write(
        `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`,
      );
    });
  }

  /** Many requests in one write, as a pipelining client sends them. */
  pipelined(method: string, count: number): Promise<unknown[]> {
    const lines: string[] = [];
    const answers: Promise<unknown>[] = [];
    for (let index = 0; index < count; index++) {
      const id = this.nextId++;
      answers.push(new Promise((resolve) => this.waiting.set(id, resolve)));
      lines.push(JSON.stringify({ jsonrpc: '2.0', id, method, params: {} }));
    }
    this.child.stdin?.write(`${lines.join('\n')}\n`);
    return Promise.all(answers);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin?.end();
    });
  }
}
