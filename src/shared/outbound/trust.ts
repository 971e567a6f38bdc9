import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a TLS connection to one host presents and trusts. */
export interface HostTrust {
  ca: string[];
  cert?: string;
  key?: string;
  /** The certs.d folders that added to it, for messages; empty: the general trust only. */
  folders: string[];
}

let general: string[] | undefined;

/**
 * Node's own CAs, NODE_EXTRA_CA_CERTS (both in Node's default list) and the operating system's
 * store (Node 22's `getCACertificates('system')`: the keychain on macOS, the certificate store on
 * Windows, OpenSSL's folder and file elsewhere, which SSL_CERT_DIR and SSL_CERT_FILE move). Read
 * once, at the first TLS connection of the bridge's own: it takes a few hundred milliseconds.
 */
export const generalTrust = (): string[] => {
  if (!general) {
    const tls = process.getBuiltinModule('node:tls');
    general = [...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])];
  }
  return general;
};

/**
 * The certs.d folders registries' certificates are looked for in, as containers/image looks
 * (pkg/docker/docker_client.go, dockerCertDir: the user's, then the system's) and then Docker's
 * (/etc/docker/certs.d, which the Docker daemon reads).
 */
export const certsDFolders = (env: NodeJS.ProcessEnv): string[] => {
  const home = env.HOME || homedir();
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  return [join(config, 'containers/certs.d'), '/etc/containers/certs.d', '/etc/docker/certs.d'];
};

const filesIn = (folder: string): string[] => {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
};

const readOrNothing = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The trust for `host:port` (as the address writes it; `host` alone for the default port): the
 * general trust plus each certs.d/<host:port>/*.crt (CAs), and the first `*.cert` with its
 * `*.key` as client certificate, Docker's convention for registries.
 */
export const trustFor = (hostPort: string, env: NodeJS.ProcessEnv): HostTrust => {
  const ca = [...generalTrust()];
  const folders: string[] = [];
  let client: { cert: string; key: string } | undefined;
  for (const root of certsDFolders(env)) {
    const folder = join(root, hostPort);
    const files = filesIn(folder);
    if (files.length === 0) continue;
    folders.push(folder);
    for (const file of files.filter((name) => name.endsWith('.crt'))) {
      const pem = readOrNothing(join(folder, file));
      if (pem) ca.push(pem);
    }
    for (const file of files.filter((name) => name.endsWith('.cert'))) {
      const key = readOrNothing(join(folder, `${file.slice(0, -'.cert'.length)}.key`));
      const cert = readOrNothing(join(folder, file));
      if (!client && cert && key) client = { cert, key };
    }
  }
  return { ca, folders, ...(client ?? {}) };
};
