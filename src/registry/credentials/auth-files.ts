import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CredentialOrder } from './registry-credential.js';

/** One file logins may be in, and its format. */
export interface AuthFile {
  path: string;
  /** `~/.dockercfg`: the registries are the top-level keys, with no `auths`. */
  legacy?: boolean;
}

const home = (env: NodeJS.ProcessEnv) => env.HOME || homedir();

/** docker/cli config.Dir: DOCKER_CONFIG, else ~/.docker. */
export const dockerConfigFile = (env: NodeJS.ProcessEnv): AuthFile => ({
  path: join(env.DOCKER_CONFIG || join(home(env), '.docker'), 'config.json'),
});

/**
 * Podman's files, as containers/image reads them (pkg/docker/config/config.go,
 * getAuthFilePaths): REGISTRY_AUTH_FILE alone when set; else the runtime auth.json, the
 * user's config one, Docker's config.json and the legacy ~/.dockercfg, first match wins.
 */
const podmanAuthFiles = (env: NodeJS.ProcessEnv): AuthFile[] => {
  if (env.REGISTRY_AUTH_FILE) return [{ path: env.REGISTRY_AUTH_FILE }];
  const uid = process.getuid?.();
  const runtime = env.XDG_RUNTIME_DIR || (uid === undefined ? undefined : `/run/containers/${uid}`);
  const config = env.XDG_CONFIG_HOME || join(home(env), '.config');
  return [
    ...(runtime ? [{ path: join(runtime, 'containers/auth.json') }] : []),
    { path: join(config, 'containers/auth.json') },
    dockerConfigFile(env),
    { path: join(home(env), '.dockercfg'), legacy: true },
  ];
};

/**
 * Where `apptainer registry login` keeps Docker-format logins: APPTAINER_AUTH_FILE, else
 * docker-config.json in APPTAINER_CONFIGDIR or ~/.apptainer (pkg/syfs/syfs.go@v1.5.3; without
 * that file Apptainer uses Docker's config.json, already looked in).
 */
const apptainerAuthFiles = (env: NodeJS.ProcessEnv): AuthFile[] => [
  ...(env.APPTAINER_AUTH_FILE ? [{ path: env.APPTAINER_AUTH_FILE }] : []),
  { path: join(env.APPTAINER_CONFIGDIR || join(home(env), '.apptainer'), 'docker-config.json') },
];

/**
 * The files to look in: Docker's for Docker, Podman's for Podman; for the bridge's own
 * requests, which no engine makes, Podman's, Docker's (also when REGISTRY_AUTH_FILE is set),
 * then Apptainer's.
 */
export const authFilesFor = (order: CredentialOrder, env: NodeJS.ProcessEnv): AuthFile[] => {
  if (order === 'docker') return [dockerConfigFile(env)];
  if (order === 'podman') return podmanAuthFiles(env);
  const files = [...podmanAuthFiles(env), dockerConfigFile(env), ...apptainerAuthFiles(env)];
  return files.filter((file, index) => files.findIndex((other) => other.path === file.path) === index);
};
