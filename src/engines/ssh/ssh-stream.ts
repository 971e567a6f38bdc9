import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';

const STDERR_KEPT = 8192;

/**
 * One ssh process as a socket for the engine's HTTP client: its stdin and stdout carry the
 * connection. It ends when ssh does: cleanly when ssh exits 0, otherwise with the error
 * `failure` makes of what ssh printed, so the call says why (not "socket closed").
 * Ending it ends ssh; and ssh ends on its own when the bridge dies, its stdin reaching EOF.
 */
export class SshStream extends Duplex {
  private stderr = '';

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    failure: (stderr: string, exitCode: number | null, signal: string | null) => Error,
    notStarted: (error: Error) => Error,
  ) {
    super({ allowHalfOpen: false });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    // A write after ssh died fails with EPIPE; its exit, just after, says why.
    child.stdin.on('error', () => {});
    child.on('error', (error) => this.destroy(notStarted(error)));
    child.on('close', (exitCode, signal) => {
      if (this.destroyed) return;
      if (exitCode === 0) this.push(null);
      else this.destroy(failure(this.stderr, exitCode, signal));
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.child.stdin.writable) this.child.stdin.write(chunk, () => done());
    else done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.child.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.destroy();
      this.child.kill();
    }
    done(error);
  }

  /** As a socket's: an idle kept-alive connection does not keep the bridge alive. */
  ref(): this {
    this.child.ref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr])
      (stream as unknown as { ref?: () => void }).ref?.();
    return this;
  }

  unref(): this {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
    return this;
  }
}
