import type { RegistryCredential } from './registry-credential.js';

/**
 * The engines' `X-Registry-Auth`: base64url of the JSON AuthConfig, padded, as the Docker CLI
 * sends it (docker/api registry.EncodeAuthConfig) and Podman's compat API reads it.
 */
export const registryAuthHeader = (credential: RegistryCredential, serverAddress: string): string => {
  const config =
    credential.kind === 'identity-token'
      ? { identitytoken: credential.identityToken, serveraddress: serverAddress }
      : { username: credential.username, password: credential.password, serveraddress: serverAddress };
  return Buffer.from(JSON.stringify(config)).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
};
