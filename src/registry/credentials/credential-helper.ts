import type { HelperProblem } from '../../shared/failures.js';
import { stallTimeoutMs } from '../../shared/stall-timeout.js';

/** What a credential helper answered; `not-found` is no failure: the registry has no login there. */
export type HelperOutcome =
  | { kind: 'found'; username: string; secret: string }
  | { kind: 'not-found' }
  | HelperProblem;

/** docker-credential-helpers' credentials.errCredentialsNotFoundMessage. */
const NOT_FOUND = 'credentials not found in native keychain';
const MAX_OUTPUT = 64 * 1024;

/**
 * `docker-credential-<name> get` with the server address on stdin, as the Docker CLI runs it
 * (docker-credential-helpers client.Get): JSON `{ServerURL, Username, Secret}` on stdout. An
 * argv, never a shell; nothing of the answer is kept but the login; given up after the stall time.
 */
export const askCredentialHelper = (
  name: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<HelperOutcome> =>
  new Promise((resolve) => {
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(`docker-credential-${name}`, ['get'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(signal ? { signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (outcome: HelperOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ kind: 'stalled' });
    }, stallTimeoutMs());
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(
        error.code === 'ENOENT'
          ? { kind: 'missing' }
          : { kind: 'failed', exitCode: null, stderr: error.message },
      );
    });
    child.on('close', (exitCode) => {
      if (exitCode !== 0) {
        settle(
          stdout.includes(NOT_FOUND)
            ? { kind: 'not-found' }
            : { kind: 'failed', exitCode, stderr: stderr.trim() },
        );
        return;
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
        if (typeof answer.Secret !== 'string' || typeof answer.Username !== 'string') throw new Error();
        settle(
          answer.Secret === ''
            ? { kind: 'not-found' }
            : { kind: 'found', username: answer.Username, secret: answer.Secret },
        );
      } catch {
        settle({ kind: 'garbage' });
      }
    });
    child.stdin.end(serverAddress);
  });
