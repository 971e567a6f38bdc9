import { stallTimeoutMs } from '../../shared/stall-timeout.js';
import type { SshDestination } from './ssh-destination.js';

/**
 * How the engine is reached: Docker's own `docker system dial-stdio` on the remote, one ssh per
 * connection (as the Docker CLI does, so the remote's own DOCKER_HOST and socket apply); or the
 * remote socket forwarded to a private local one (`-L`, OpenSSH's direct-streamlocal, which
 * Podman's Go client opens itself), one ssh per endpoint. OpenSSH 9.2's `-W` takes no socket path.
 */
export type SshThrough = 'dial-stdio' | 'socket';

/** What one ssh process carries: a dial-stdio stream, or the forward of the remote socket to `localSocket`. */
export type SshChannel = { kind: 'dial-stdio' } | { kind: 'forward'; localSocket: string };

/**
 * The ssh argv for one stream to the engine. The user's own configuration, agent and known hosts
 * apply; what is set here is only what the bridge must never do otherwise: ask for a password or
 * a passphrase (BatchMode), take a host key it has not seen (StrictHostKeyChecking: "accept-new"
 * in a user's config would take one silently), or leave a control master behind it.
 */
export const sshArgs = (destination: SshDestination, channel: SshChannel): string[] => {
  const stallSeconds = Math.max(1, Math.round(stallTimeoutMs() / 1000));
  const { user, host, port, path, identity } = destination;
  // A forward's session runs `cat`, which ends when ssh's stdin does: when the bridge ends, even
  // killed, ssh ends with it (`-N` never reads stdin and would outlive it).
  const remote =
    channel.kind === 'dial-stdio'
      ? ['docker', ...(path ? ['--host', `unix://${path}`] : []), 'system', 'dial-stdio']
      : ['cat'];
  return [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ControlMaster=no',
    '-o',
    `ConnectTimeout=${stallSeconds}`,
    // A connection that went silent (a dropped link, a sleeping laptop) is found out within the stall time.
    '-o',
    `ServerAliveInterval=${Math.max(1, Math.floor(stallSeconds / 4))}`,
    '-o',
    'ServerAliveCountMax=3',
    '-T',
    ...(identity ? ['-i', identity] : []),
    ...(user ? ['-l', user] : []),
    ...(port ? ['-p', String(port)] : []),
    ...(channel.kind === 'forward'
      ? [
          '-o',
          'ExitOnForwardFailure=yes',
          '-o',
          'StreamLocalBindMask=0177',
          '-L',
          `${channel.localSocket}:${path}`,
        ]
      : []),
    '--',
    host,
    ...remote,
  ];
};
