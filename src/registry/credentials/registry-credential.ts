/** A login for one registry, as the CLIs keep it. `source` says where it was found, for messages. */
export type RegistryCredential =
  | { kind: 'password'; username: string; password: string; source: string }
  | { kind: 'identity-token'; identityToken: string; source: string };

/** The stores to look in, in the order of the program whose login the user made. */
export type CredentialOrder = 'docker' | 'podman' | 'any';

/** Docker Hub's key in Docker's config.json, under which `docker login` stores its login. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * A key of `auths` or `credHelpers` as the registry it is for: `https://host:port/v1/` and
 * `host:port` are one registry (docker/cli credentials.ConvertToHostname; containers/image
 * normalizeAuthFileKey), and Docker Hub has several names.
 */
export const registryOfKey = (key: string): string => {
  const host =
    key
      .replace(/^https?:\/\//, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return DOCKER_HUB_NAMES.has(host) ? 'docker.io' : host;
};

/** The registry a reference's domain names, as keys are compared. */
export const registryOfDomain = (domain: string): string => registryOfKey(domain);

/** The address a credential helper is asked for: Docker Hub's as `docker login` stored it. */
export const helperServerAddress = (domain: string, order: CredentialOrder): string =>
  registryOfDomain(domain) === 'docker.io' && order !== 'podman' ? DOCKER_HUB_KEY : domain;
