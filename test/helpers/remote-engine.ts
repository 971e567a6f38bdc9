/** What tls-setup.ts provides: its TLS endpoint in front of the real dockerd, and a good certificate folder. */
export interface TlsEngineSetup {
  host: string;
  certPath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tlsEngine: TlsEngineSetup;
  }
}

interface RemoteEngine {
  /** What the bridge's environment needs to reach it. */
  env: NodeJS.ProcessEnv;
  /** Where GetEngine and doctor say the engine is. */
  location: string;
  /**
   * The bridge runs in a private mount namespace where this folder is an empty tmpfs: binds under
   * it exist on the engine's side only, and what the bridge would make there stays visible to it alone.
   */
  privateFolder?: string;
}

/** Where the remote suites put the binds that must exist on the engine's machine only. */
export const REMOTE_BINDS = '/var/lib/bst-containers-test/remote-binds';

/**
 * BST_TEST_REMOTE: how the bridge under test reaches the engine when not through its local
 * socket (`tls`: Docker over TCP with TLS, tls-setup.ts; `ssh`: Docker or Podman over SSH on the
 * second host, scripts/start-ssh-host.sh). The engine's own CLI, which the tests use to check
 * from outside, keeps the local socket.
 */
const remoteEngine = async (): Promise<RemoteEngine | undefined> => {
  const remote = process.env.BST_TEST_REMOTE;
  switch (remote) {
    case undefined:
    case '':
      return undefined;
    case 'tls': {
      // Imported here: the bench uses these helpers outside vitest.
      const { inject } = await import('vitest');
      const { host, certPath } = inject('tlsEngine');
      return {
        env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath },
        location: host,
      };
    }
    case 'ssh': {
      const { dockerSshUrl, podmanSshUrl } = await import('./ssh-host.js');
      const podman = process.env.BST_TEST_ENGINE === 'podman';
      const url = podman ? podmanSshUrl() : dockerSshUrl();
      return {
        env: podman ? { CONTAINER_HOST: url } : { DOCKER_HOST: url },
        location: url,
        privateFolder: REMOTE_BINDS,
      };
    }
    default:
      throw new Error(`BST_TEST_REMOTE=${remote} is not a remote engine the tests know (tls, ssh)`);
  }
};

export const REMOTE_ENGINE = await remoteEngine();

/** The environment a bridge under test gets: the remote engine's, then `env`. */
export const withRemoteEngine = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...REMOTE_ENGINE?.env,
  ...env,
});
