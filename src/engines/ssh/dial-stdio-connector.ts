import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { findExecutable } from '../../shared/find-executable.js';
import { sshArgs } from './ssh-command.js';
import type { SshDestination } from './ssh-destination.js';
import { SshFailure, sshFailureFrom } from './ssh-failure.js';
import { SshStream } from './ssh-stream.js';

/**
 * An undici connector whose every connection is one ssh process running the remote's `docker
 * system dial-stdio`: the pool keeps connections alive, so after the first call each call reuses
 * an open stream and pays no handshake.
 */
export const dialStdioConnector =
  (destination: SshDestination, env: NodeJS.ProcessEnv = process.env): buildConnector.connector =>
  (_options, callback) => {
    // Never within the call: undici connects from inside its dispatch loop, which a callback made
    // there cannot re-enter, and the request would wait for ever.
    const done = (error: Error | null, socket: Socket | null) =>
      queueMicrotask(() => (callback as (error: Error | null, socket: Socket | null) => void)(error, socket));
    const program = findExecutable('ssh', env);
    if (!program) {
      done(new SshFailure(destination, 'no-client', 'no ssh program on the PATH'), null);
      return;
    }
    const child = spawn(program, sshArgs(destination, { kind: 'dial-stdio' }), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
      windowsHide: true,
    });
    const stream = new SshStream(
      child,
      (stderr, exitCode, signal) => sshFailureFrom(destination, stderr, exitCode, signal),
      (error) => new SshFailure(destination, 'no-client', error.message),
    );
    done(null, stream as unknown as Socket);
  };
