import type { SshReason } from '../../shared/failures.js';
import type { SshDestination } from './ssh-destination.js';

const REASONS: [SshReason, RegExp][] = [
  ['host-key-changed', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/],
  ['host-key-unknown', /No \S+ host key is known for|Host key verification failed/],
  ['auth', /Permission denied \(|Too many authentication failures|no mutual signature/],
  ['refused', /Connection refused/],
  [
    'unreachable',
    /No route to host|Network is unreachable|Connection timed out|timed out|Could not resolve hostname|Name or service not known|Temporary failure in name resolution/,
  ],
  ['no-docker', /docker: (command )?not found|command not found: docker|'docker' is not recognized/],
  ['no-daemon', /Cannot connect to the Docker daemon|dial unix .*: connect:/],
  ['no-socket', /stdio forwarding failed|open failed|administratively prohibited/],
  ['dropped', /closed by remote host|Broken pipe|Connection reset|Connection closed|not responding/],
];

/** The last line ssh (or the remote command) printed that says something. */
const lastLine = (stderr: string): string =>
  stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('@@@'))
    .at(-1) ?? '';

/**
 * ssh could not give a stream, or ended one with an error: why, read from what it printed.
 * `code` is `ERR_BST_SSH` so that the failure wording (shared/failures.ts) finds it without
 * knowing this class.
 */
export class SshFailure extends Error {
  override name = 'SshFailure';
  readonly code = 'ERR_BST_SSH';
  readonly sshHost: string;
  readonly sshPath: string | undefined;

  constructor(
    destination: SshDestination,
    readonly sshReason: SshReason,
    readonly detail: string,
  ) {
    super(`ssh: ${detail}`);
    const { user, host, port, path } = destination;
    this.sshHost = `${user ? `${user}@` : ''}${host}${port ? ` port ${port}` : ''}`;
    this.sshPath = path;
  }
}

/** What ssh printed before it ended with `exitCode` (or `signal`), as a failure. */
export const sshFailureFrom = (
  destination: SshDestination,
  stderr: string,
  exitCode: number | null,
  signal: string | null,
): SshFailure =>
  new SshFailure(
    destination,
    REASONS.find(([, pattern]) => pattern.test(stderr))?.[0] ?? (exitCode === 127 ? 'no-docker' : 'other'),
    lastLine(stderr) || (signal ? `ssh was ended by ${signal}` : `ssh exited with code ${exitCode}`),
  );
