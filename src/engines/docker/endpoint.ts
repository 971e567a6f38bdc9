import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SshThrough } from '../ssh/ssh-command.js';
import { describeSsh, parseSshUrl, type SshDestination } from '../ssh/ssh-destination.js';

/** TLS as the Docker CLI sets it up: files of a certificate folder, and whether the server is verified. */
export interface TlsSettings {
  /** Verify the server against `ca` (the system's CAs when there is none); false: encrypt only. */
  verify: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; description: string }
  | { kind: 'tcp'; origin: string; description: string; tls?: TlsSettings }
  | { kind: 'ssh'; ssh: SshDestination; through: SshThrough; description: string };

/**
 * An engine on another machine: its bind paths are that machine's, not this one's. A `tcp://`
 * address on this machine's loopback is this machine.
 */
export const isRemoteEndpoint = (endpoint: DockerEndpoint): boolean => {
  if (endpoint.kind === 'socket') return false;
  if (endpoint.kind === 'ssh') return true;
  const { hostname } = new URL(endpoint.origin);
  return !(hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.'));
};

/** Docker's remote `docker system dial-stdio`, or (Podman) the remote socket the address ends with. */
export const sshEndpoint = (
  url: string,
  identity?: string,
  through: SshThrough = 'dial-stdio',
): DockerEndpoint => {
  const ssh = parseSshUrl(url, identity);
  return { kind: 'ssh', ssh, through, description: describeSsh(ssh) };
};

export interface EndpointEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  exists: (path: string) => boolean;
}

const defaultEnvironment = (): EndpointEnvironment => ({
  env: process.env,
  platform: process.platform,
  home: homedir(),
  exists: existsSync,
});

const WINDOWS_PIPE = '//./pipe/docker_engine';

export const socketEndpoint = (socketPath: string): DockerEndpoint => ({
  kind: 'socket',
  socketPath,
  description: socketPath.startsWith('//./pipe/') ? `npipe://${socketPath}` : `unix://${socketPath}`,
});

export const parseDockerHost = (host: string): DockerEndpoint => {
  if (host.startsWith('unix://')) return socketEndpoint(host.slice('unix://'.length));
  if (host.startsWith('npipe://')) return socketEndpoint(host.slice('npipe://'.length).replaceAll('\\', '/'));
  if (host.startsWith('ssh://')) return sshEndpoint(host);
  if (host.startsWith('tcp://') || host.startsWith('http://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { kind: 'tcp', origin: `http://${url.host}`, description: host };
  }
  throw new Error(`DOCKER_HOST=${host} is not a unix://, npipe://, tcp:// or ssh:// address`);
};

/** Docker's default sockets, in the order the Docker CLI and Docker Desktop use them. */
const defaultDockerSockets = ({ env, platform, home }: EndpointEnvironment): string[] => {
  if (platform === 'win32') return [WINDOWS_PIPE];
  const sockets = [
    '/var/run/docker.sock',
    join(home, '.docker/run/docker.sock'),
    join(home, '.docker/desktop/docker.sock'),
  ];
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  return sockets;
};

const readJson = (path: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** The Docker CLI's context: `DOCKER_CONTEXT`, else `currentContext` in config.json. */
const contextEndpoint = ({ env, home }: EndpointEnvironment): DockerEndpoint | undefined => {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  const name =
    env.DOCKER_CONTEXT || (readJson(join(configDir, 'config.json'))?.currentContext as string | undefined);
  if (!name || name === 'default') return undefined;
  // Loaded here, not at start: crypto costs every start milliseconds, and few users have a context.
  const id = process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const meta = readJson(metaPath) as { Endpoints?: { docker?: { Host?: string } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  if (!host) {
    throw new Error(
      `Docker context "${name}" has no endpoint (${metaPath}); run \`docker context use default\` or fix it`,
    );
  }
  return parseDockerHost(host);
};

/**
 * As the Docker CLI: `DOCKER_HOST`, then the context (`DOCKER_CONTEXT`, config.json's
 * `currentContext`), then the first default socket that exists (the first default when none
 * does, so the message names the usual place).
 */
export const resolveDockerEndpoint = (given: Partial<EndpointEnvironment> = {}): DockerEndpoint => {
  const environment = { ...defaultEnvironment(), ...given };
  const host = environment.env.DOCKER_HOST;
  if (host) return parseDockerHost(host);
  const fromContext = contextEndpoint(environment);
  if (fromContext) return fromContext;
  const sockets = defaultDockerSockets(environment);
  const found = sockets.find((socket) => socket === WINDOWS_PIPE || environment.exists(socket));
  return socketEndpoint(found ?? (sockets[0] as string));
};
