/**
 * Where an `ssh://[user@]host[:port][/path]` endpoint leads, as the Docker CLI and Podman read it.
 * Each part reaches the ssh command line, so each is checked to be only what its name says: no
 * leading `-` (an option), no space, quote or shell character.
 */
export interface SshDestination {
  user?: string;
  /** A host name, an IPv4 address or an IPv6 address without brackets. */
  host: string;
  port?: number;
  /** The engine's socket on the remote machine (Podman's; Docker's `--host` for `dial-stdio`). */
  path?: string;
  /** A private key file to offer (CONTAINER_SSHKEY, a Podman connection's identity). */
  identity?: string;
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/;
const PATH = /^\/[A-Za-z0-9._@+=,/-]*$/;

/** What is wrong with an ssh:// address, said the way the Docker CLI would. */
export class SshAddressError extends Error {
  override name = 'SshAddressError';
}

/** `ssh://...` as written in DOCKER_HOST, CONTAINER_HOST, a Docker context or a Podman connection. */
export const parseSshUrl = (text: string, identity?: string): SshDestination => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SshAddressError(`${text} is not a valid ssh:// address`);
  }
  if (url.protocol !== 'ssh:') throw new SshAddressError(`${text} is not an ssh:// address`);
  if (url.password) throw new SshAddressError(`${text} has a password in it; use a key or ssh-agent instead`);
  if (url.search || url.hash)
    throw new SshAddressError(`${text} has something after the host (${url.search}${url.hash})`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!host) throw new SshAddressError(`${text} names no host`);
  if (!(url.hostname.startsWith('[') ? IPV6.test(host) : HOST_NAME.test(host)))
    throw new SshAddressError(`${text}: "${host}" is not a host name or address`);
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  if (user !== undefined && !USER.test(user))
    throw new SshAddressError(`${text}: "${user}" is not a user name`);
  const path = url.pathname && url.pathname !== '/' ? decodeURIComponent(url.pathname) : undefined;
  if (path !== undefined && !PATH.test(path))
    throw new SshAddressError(`${text}: "${path}" is not a plain absolute socket path`);
  if (identity !== undefined && !identity.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(identity))
    throw new SshAddressError(`the key file ${identity} is not an absolute path`);
  return {
    ...(user ? { user } : {}),
    host,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(path ? { path } : {}),
    ...(identity ? { identity } : {}),
  };
};

/** `ssh://user@host[:port]`: how messages, GetEngine and doctor name the remote. */
export const describeSsh = ({ user, host, port, path }: SshDestination): string =>
  `ssh://${user ? `${user}@` : ''}${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}${path ?? ''}`;
