import { join } from 'node:path';
import type { TlsFiles } from '../../shared/failures.js';

/** TLS as the Docker CLI sets it up: files of a certificate folder, and whether the server is verified. */
export type TlsSettings = TlsFiles;

interface Places {
  env: NodeJS.ProcessEnv;
  home: string;
  exists: (path: string) => boolean;
}

/** The Docker CLI's config folder (cli/config/config.go@v29.7.2, Dir()). */
export const dockerConfigDir = ({ env, home }: Pick<Places, 'env' | 'home'>): string =>
  env.DOCKER_CONFIG || join(home, '.docker');

const clientPair = (folder: string, exists: Places['exists']) => {
  const cert = join(folder, 'cert.pem');
  const key = join(folder, 'key.pem');
  return exists(cert) && exists(key) ? { cert, key } : {};
};

/**
 * TLS of the default context, from the environment, as cli/flags/options.go@v29.7.2 reads it:
 * on when DOCKER_TLS or DOCKER_TLS_VERIFY is set to anything (even `0`: any value asks for
 * verification), the files in DOCKER_CERT_PATH, else the config folder. `ca.pem` is always read
 * (the CLI fails without it, even unverified); `cert.pem` and `key.pem` only when present.
 */
export const tlsFromEnvironment = (places: Places): TlsSettings | undefined => {
  const { env, exists } = places;
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const folder = env.DOCKER_CERT_PATH || dockerConfigDir(places);
  return { verify, ca: join(folder, 'ca.pem'), ...clientPair(folder, exists), folder };
};

/**
 * A context's TLS, as cli/context/docker/load.go@v29.7.2 (tlsConfig) builds it: TLS when the
 * context has a TLS folder (`contexts/tls/<id>/docker/`, whatever it holds) or SkipTLSVerify;
 * verified unless SkipTLSVerify, against its `ca.pem` when it has one, else the system's CAs.
 */
export const tlsFromContext = (
  configDir: string,
  context: { name: string; id: string; skipTlsVerify: boolean },
  exists: Places['exists'],
): TlsSettings | undefined => {
  const folder = join(configDir, 'contexts', 'tls', context.id, 'docker');
  if (!exists(folder) && !context.skipTlsVerify) return undefined;
  const ca = join(folder, 'ca.pem');
  return {
    verify: !context.skipTlsVerify,
    ...(exists(ca) ? { ca } : {}),
    ...clientPair(folder, exists),
    folder,
    context: context.name,
  };
};
