import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { callerTempDir, giveToCaller, repoRoot, userCopy } from './paths.js';
import { AS_USER } from './test-user.js';

/**
 * The peers scripts/start-network-peers.sh starts (its header says how each is made): a registry
 * over TLS that asks for a login, the same registry under an address its certificate does not
 * name, a forwarding proxy and a refusing one, and the certificates of both test CAs.
 */
const STATE = '/var/lib/bst-containers-test/network';
const TLS = `${STATE}/tls`;

/** docker-registry over TLS (certificate from TEST_CA), htpasswd logins: `/v2/` answers 401 without one. */
export const AUTH_REGISTRY = '169.254.216.1:5443';
/** The same registry and storage at an address no certificate names: a TLS name mismatch. */
export const WRONG_NAME_REGISTRY = '169.254.216.2:5443';
/** The other name the registry's certificate holds (resolve it to AUTH_REGISTRY's address). */
export const REGISTRY_DNS_NAME = 'registry.bst-test';
export const REGISTRY_USER = 'bst-lab';
export const REGISTRY_PASSWORD = 'lab-secret-7Q';

/** A certificate and its key (the keys are root's alone: a server from them runs as root). */
export interface KeyPair {
  cert: string;
  key: string;
}
/** CN "bst-containers test registry CA": no system store holds it; the engines trust it through their certs.d. */
export const TEST_CA: KeyPair = { cert: `${TLS}/ca.crt`, key: `${TLS}/ca.key` };
/** An unrelated CA (CN "bst-containers test other CA") no one trusts. */
export const OTHER_CA: KeyPair = { cert: `${TLS}/other-ca.crt`, key: `${TLS}/other-ca.key` };
/** The registry's own: IP:169.254.216.1 and DNS:registry.bst-test, signed by TEST_CA, ten years. */
export const SERVER_CERT: KeyPair = { cert: `${TLS}/server.crt`, key: `${TLS}/server.key` };
/** The same names, signed by TEST_CA, valid only during 2020. */
export const EXPIRED_SERVER_CERT: KeyPair = {
  cert: `${TLS}/expired-server.crt`,
  key: `${TLS}/expired-server.key`,
};
/** The same names, signed by OTHER_CA. */
export const OTHER_CA_SERVER_CERT: KeyPair = {
  cert: `${TLS}/other-ca-server.crt`,
  key: `${TLS}/other-ca-server.key`,
};

/** tinyproxy from 127.0.0.1: CONNECT to any port, plain HTTP forwarded; each request line in PROXY_LOG. */
export const PROXY_URL = 'http://127.0.0.1:8888';
/** tinyproxy that answers every request, CONNECT included, `403 Access denied`. */
export const REFUSING_PROXY_URL = 'http://127.0.0.1:8889';
export const PROXY_LOG = `${STATE}/tinyproxy.log`;
/** tinyproxy that wants a login (BasicAuth): 407 without it. */
export const LOGIN_PROXY = { address: '127.0.0.1:8890', user: 'bst-proxy', password: 'proxy-secret-4K' };

/** Where PROXY_LOG ends now: what the proxy logs later is `proxyLogSince(mark)`. */
export const proxyLogMark = (): number => statSync(PROXY_LOG).size;

/**
 * The request lines the proxy logged after `mark`, as the client sent them: `CONNECT host:port
 * HTTP/1.1`, or `GET http://host:port/path HTTP/1.1` for plain HTTP.
 */
export const proxyLogSince = (mark: number): string[] =>
  readFileSync(PROXY_LOG)
    .subarray(mark)
    .toString('utf8')
    .split('\n')
    .map((line) => /\]: Request \(file descriptor \d+\): (.*)$/.exec(line)?.[1])
    .filter((request): request is string => request !== undefined);

/**
 * The tests' credential helpers, to put first on the PATH the bridge gets: docker-credential-
 * bst-test (its store and log below), bst-failing (`error: keychain locked` on stderr, status 3)
 * and bst-garbage (`<html>not json`, status 0). The test user's are in its copy (user-setup.ts).
 */
export const credentialHelpersDir = `${AS_USER ? `${userCopy}/` : repoRoot}test/fixtures/credential-helpers`;

export interface CredentialStore {
  /** The store's JSON file (BST_TEST_CREDENTIAL_STORE). */
  storeFile: string;
  /** One JSON line per call, `{"verb","server"}` (BST_TEST_CREDENTIAL_LOG). */
  logFile: string;
  /** The variables that point docker-credential-bst-test at both, for the bridge's environment. */
  env: Record<string, string>;
  /** The calls logged so far. */
  calls: () => Array<{ verb: string; server: string | null }>;
  remove: () => Promise<void>;
}

/**
 * A store for docker-credential-bst-test, server (as the helper is asked for it, e.g.
 * `169.254.216.1:5443` or `https://index.docker.io/v1/`) to login, in a folder of the caller's
 * own so that the helper, run by the caller's bridge, reads the store and writes its log.
 */
export const writeCredentialStore = async (
  entries: Record<string, { username: string; secret: string }>,
): Promise<CredentialStore> => {
  const folder = await callerTempDir('bst-credentials-');
  const storeFile = join(folder, 'store.json');
  const logFile = join(folder, 'calls.log');
  const store = Object.fromEntries(
    Object.entries(entries).map(([server, { username, secret }]) => [
      server,
      { Username: username, Secret: secret },
    ]),
  );
  await writeFile(storeFile, JSON.stringify(store), { mode: 0o600 });
  await writeFile(logFile, '', { mode: 0o600 });
  await giveToCaller(folder);
  return {
    storeFile,
    logFile,
    env: { BST_TEST_CREDENTIAL_STORE: storeFile, BST_TEST_CREDENTIAL_LOG: logFile },
    calls: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line)),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
};

/**
 * Pushes `localImage` from the rootful dockerd to AUTH_REGISTRY as `repoTag` (`bst/name:tag`) and
 * returns the full reference. The login lives in a throwaway Docker config (the password on
 * stdin, never on argv), and the pushed tag is dropped again, so that a later pull must fetch.
 */
export const pushToAuthRegistry = async (localImage: string, repoTag: string): Promise<string> => {
  const reference = `${AUTH_REGISTRY}/${repoTag}`;
  const config = await mkdtemp(join(tmpdir(), 'bst-docker-config-'));
  const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///var/run/docker.sock' };
  const docker = (args: string[], input?: string) => execa('docker', args, { env, extendEnv: false, input });
  try {
    await docker(
      ['login', '--username', REGISTRY_USER, '--password-stdin', AUTH_REGISTRY],
      REGISTRY_PASSWORD,
    );
    await docker(['tag', localImage, reference]);
    try {
      await docker(['push', '--quiet', reference]);
    } finally {
      await docker(['rmi', reference]);
    }
  } finally {
    await rm(config, { recursive: true, force: true });
  }
  return reference;
};
