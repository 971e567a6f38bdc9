import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { TEST_USER_NAME, testUser } from './test-user.js';

/**
 * The second host scripts/start-ssh-host.sh starts: Debian's sshd in the network namespace
 * bst-remote, serving the test user with the key and known_hosts the script wrote in its
 * ~/.ssh. Its sessions reach this machine's dockerd and the user's rootless Podman.
 */
export const SSH_HOST = '169.254.215.2';
export const SSH_USER = TEST_USER_NAME;
export const SSH_NAMESPACE = 'bst-remote';

/** Each port is one way the remote can be (the script's header says how each is made). */
export const SSH_PORTS = {
  normal: 22,
  /** known_hosts holds another key for it: "REMOTE HOST IDENTIFICATION HAS CHANGED". */
  changedKey: 2201,
  /** The session's PATH has no docker: `bash: line 1: docker: command not found`, status 127. */
  noDocker: 2202,
  /** docker is found, its daemon is not (DOCKER_HOST names a missing socket). */
  noDaemon: 2203,
  /** known_hosts has no entry for it: "Host key verification failed." */
  unknownKey: 2204,
} as const;

/** On the namespace's link, answered by no one: `No route to host` after ARP gives up (about 3 s). */
export const UNREACHABLE_HOST = '169.254.215.3';
/** A port nothing listens on at SSH_HOST: `Connection refused` at once. */
export const REFUSED_PORT = 2299;

/** The test user's own key (no passphrase) and known hosts, where ssh looks for them by default. */
export const sshIdentity = (): string => `${testUser().home}/.ssh/id_ed25519`;
export const knownHostsFile = (): string => `${testUser().home}/.ssh/known_hosts`;

const hostAndPort = (port?: number) => (port === undefined || port === 22 ? SSH_HOST : `${SSH_HOST}:${port}`);

/** DOCKER_HOST for the remote, as the Docker CLI takes it: `ssh://bst-tester@169.254.215.2[:port]`. */
export const dockerSshUrl = (port?: number): string => `ssh://${SSH_USER}@${hostAndPort(port)}`;

/** The user's rootless Podman socket on the remote. */
export const remotePodmanSocket = (): string => `${testUser().runtimeDir}/podman/podman.sock`;
/** A socket path on the remote where no Podman listens. */
export const missingPodmanSocket = (): string => `${testUser().runtimeDir}/podman/no-podman-here.sock`;

/** CONTAINER_HOST for the remote, as Podman takes it: `ssh://bst-tester@169.254.215.2[:port]/run/user/UID/podman/podman.sock`. */
export const podmanSshUrl = (options: { port?: number; socket?: string } = {}): string =>
  `ssh://${SSH_USER}@${hostAndPort(options.port)}${options.socket ?? remotePodmanSocket()}`;

interface ProcessEntry {
  pid: number;
  ppid: number;
  comm: string;
}

/** /proc/PID/stat: the command name is in parentheses and may hold spaces or parentheses itself. */
const readProcess = (pid: number): ProcessEntry | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const [, ppid] = stat
      .slice(close + 2)
      .split(' ')
      .map(Number);
    return { pid, ppid: ppid as number, comm: stat.slice(open + 1, close) };
  } catch {
    return undefined; // It exited while we looked.
  }
};

const processes = (): ProcessEntry[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);

/** The ssh clients the process `parent` started (the bridge's transports), still running. */
export const sshClientsOf = (parent: number): number[] =>
  processes()
    .filter((entry) => entry.ppid === parent && entry.comm === 'ssh')
    .map((entry) => entry.pid);

const namespaceOf = (pid: number): string | undefined => {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
};

/**
 * The sshd processes serving the test user's connections to the test host: per connection, the
 * privileged monitor (`sshd: bst-tester [priv]`) and the session (`sshd: bst-tester@notty`). Only
 * those in the host's network namespace: the machine may run other sshds.
 */
export const sshSessionPids = (): number[] => {
  const namespace = `net:[${statSync(`/run/netns/${SSH_NAMESPACE}`).ino}]`;
  return processes()
    .filter((entry) => entry.comm === 'sshd' && namespaceOf(entry.pid) === namespace)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').startsWith(`sshd: ${SSH_USER}`);
      } catch {
        return false;
      }
    })
    .map((entry) => entry.pid);
};

/** Drops every connection of the test user to the test host, as a crashed or rebooted remote would: SIGKILL to its sshd processes. Returns how many it killed. */
export const dropSshSessions = (): number => {
  let killed = 0;
  for (const pid of sshSessionPids()) {
    try {
      process.kill(pid, 'SIGKILL');
      killed += 1;
    } catch {
      // Gone already: its monitor or session went first.
    }
  }
  return killed;
};
