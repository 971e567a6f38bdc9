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
}

/**
 * BST_TEST_REMOTE: how the bridge under test reaches the engine when not through its local
 * socket (`tls`: Docker over TCP with TLS, tls-setup.ts). The engine's own CLI, which the tests
 * use to check from outside, keeps the local socket.
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
    default:
      throw new Error(`BST_TEST_REMOTE=${remote} is not a remote engine the tests know (tls)`);
  }
};

export const REMOTE_ENGINE = await remoteEngine();

/** The environment a bridge under test gets: the remote engine's, then `env`. */
export const withRemoteEngine = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...REMOTE_ENGINE?.env,
  ...env,
});
