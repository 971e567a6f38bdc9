import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { buildConnector } from 'undici';
import { findExecutable } from '../../shared/find-executable.js';
import { stallTimeoutMs } from '../../shared/stall-timeout.js';
import { sshArgs } from './ssh-command.js';
import type { SshDestination } from './ssh-destination.js';
import { SshFailure, sshFailureFrom } from './ssh-failure.js';

const STDERR_KEPT = 8192;
const POLL_MS = 10;
/** ssh says why it closed a forwarded connection just before or after closing it. */
const OPEN_FAILED_SETTLE_MS = 50;

interface Tunnel {
  child: ChildProcess;
  folder: string;
  ready: Promise<string>;
  stderr: string;
  /** Set when ssh has ended: why. */
  ended?: SshFailure;
}

/**
 * The remote engine socket forwarded by one ssh process to a socket in a private folder of this
 * machine (mode 0700, the socket 0600): every connection of the pool is a channel of that one
 * SSH connection. A tunnel that ended (a dropped link) is started again by the next connection.
 */
export class SocketTunnel {
  private tunnel: Tunnel | undefined;
  private readConsumed = 0;

  constructor(
    private readonly destination: SshDestination,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  readonly connector: buildConnector.connector = (_options, callback) => {
    const done = callback as (error: Error | null, socket: Socket | null) => void;
    this.open().then(
      (path) => {
        const socket = connect(path);
        const failed = (error: Error) => done(error, null);
        socket.once('error', failed);
        socket.once('connect', () => {
          socket.off('error', failed);
          done(null, socket);
        });
      },
      (error: Error) => done(error, null),
    );
  };

  /**
   * Why a connection failed, when ssh knows: the tunnel ended, or the remote refused to open the
   * socket (`open failed`); otherwise the error itself.
   */
  async explain(error: unknown): Promise<unknown> {
    const tunnel = this.tunnel;
    if (!tunnel) return error;
    await sleep(OPEN_FAILED_SETTLE_MS);
    if (tunnel.ended) return tunnel.ended;
    const fresh = tunnel.stderr.slice(this.readConsumed);
    this.readConsumed = tunnel.stderr.length;
    return /open failed/.test(fresh) ? sshFailureFrom(this.destination, fresh, null, null) : error;
  }

  close(): void {
    const tunnel = this.tunnel;
    this.tunnel = undefined;
    if (!tunnel) return;
    if (tunnel.child.exitCode === null && tunnel.child.signalCode === null) tunnel.child.kill();
    rmSync(tunnel.folder, { recursive: true, force: true });
  }

  private open(): Promise<string> {
    if (this.tunnel && !this.tunnel.ended) return this.tunnel.ready;
    this.close();
    const program = findExecutable('ssh', this.env);
    if (!program)
      return Promise.reject(new SshFailure(this.destination, 'no-client', 'no ssh program on the PATH'));
    const folder = mkdtempSync(join(tmpdir(), 'bst-ssh-'));
    const localSocket = join(folder, 'engine.sock');
    const child = spawn(program, sshArgs(this.destination, { kind: 'forward', localSocket }), {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: this.env,
      windowsHide: true,
    });
    const tunnel: Tunnel = { child, folder, stderr: '', ready: Promise.resolve(localSocket) };
    this.readConsumed = 0;
    child.stdin?.on('error', () => {});
    child.stderr?.on('data', (chunk: Buffer) => {
      tunnel.stderr = (tunnel.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    child.on('error', (error) => {
      tunnel.ended ??= new SshFailure(this.destination, 'no-client', error.message);
    });
    child.on('close', (exitCode, signal) => {
      tunnel.ended ??= sshFailureFrom(this.destination, tunnel.stderr, exitCode, signal);
      rmSync(folder, { recursive: true, force: true });
    });
    tunnel.ready = this.whenListening(tunnel, localSocket);
    this.tunnel = tunnel;
    return tunnel.ready;
  }

  /**
   * ssh makes the local socket once it has logged in and set the forward up. Its ConnectTimeout
   * (the stall time) ends a connection that does not open, in its own words; a login that then
   * stalls as long again is given up here.
   */
  private async whenListening(tunnel: Tunnel, localSocket: string): Promise<string> {
    const limitMs = 2 * stallTimeoutMs();
    const deadline = Date.now() + limitMs;
    while (!existsSync(localSocket)) {
      if (tunnel.ended) throw tunnel.ended;
      if (Date.now() > deadline) {
        tunnel.ended = new SshFailure(
          this.destination,
          'unreachable',
          `no SSH session within ${limitMs / 1000} s`,
        );
        tunnel.child.kill();
        throw tunnel.ended;
      }
      await sleep(POLL_MS);
    }
    return localSocket;
  }
}
