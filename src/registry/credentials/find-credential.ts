import { readFile } from 'node:fs/promises';
import { credentialHelperFailed } from '../../shared/failures.js';
import { type AuthFile, authFilesFor } from './auth-files.js';
import { askCredentialHelper } from './credential-helper.js';
import {
  type CredentialOrder,
  helperServerAddress,
  type RegistryCredential,
  registryOfDomain,
  registryOfKey,
} from './registry-credential.js';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface AuthFileContent {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** A file's content; a missing or unreadable one has none, as for the CLIs (a warning at most). */
const readAuthFile = async (file: AuthFile): Promise<AuthFileContent | undefined> => {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null) return undefined;
    return file.legacy ? { auths: json as Record<string, AuthEntry> } : (json as AuthFileContent);
  } catch {
    process.stderr.write(`bst-containers: ${file.path} is not JSON: its logins are not used\n`);
    return undefined;
  }
};

/** `auth` is base64 of `user:password`; `identitytoken` an OAuth refresh token (docker/cli types.AuthConfig). */
const fromEntry = (entry: AuthEntry, source: string): RegistryCredential | undefined => {
  if (entry.identitytoken) return { kind: 'identity-token', identityToken: entry.identitytoken, source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        kind: 'password',
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        source,
      };
    }
  }
  if (entry.username && entry.password) {
    return { kind: 'password', username: entry.username, password: entry.password, source };
  }
  return undefined;
};

/** The entry of `record` whose key names this registry: exact key first, then any written otherwise. */
const entryFor = <T>(record: Record<string, T> | undefined, domain: string): T | undefined => {
  if (!record) return undefined;
  if (record[domain] !== undefined) return record[domain];
  const registry = registryOfDomain(domain);
  const key = Object.keys(record).find((candidate) => registryOfKey(candidate) === registry);
  return key === undefined ? undefined : record[key];
};

const fromHelper = async (
  helper: string,
  domain: string,
  order: CredentialOrder,
  where: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<RegistryCredential | undefined> => {
  const outcome = await askCredentialHelper(helper, helperServerAddress(domain, order), env, signal);
  const source = `docker-credential-${helper} (${where})`;
  switch (outcome.kind) {
    case 'found':
      // docker-credential-helpers' convention: the user name `<token>` marks an identity token.
      return outcome.username === '<token>'
        ? { kind: 'identity-token', identityToken: outcome.secret, source }
        : { kind: 'password', username: outcome.username, password: outcome.secret, source };
    case 'not-found':
      return undefined;
    default:
      throw credentialHelperFailed(domain, source, outcome);
  }
};

/**
 * The login the CLIs would use for a registry: in each file, its `credHelpers` entry, else its
 * `credsStore`, else its `auths` entry (docker/cli configfile.GetCredentialsStore); the first
 * file with one wins. Undefined: none, the registry is asked anonymously.
 */
export const findCredential = async (
  domain: string,
  order: CredentialOrder,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<RegistryCredential | undefined> => {
  for (const file of authFilesFor(order, env)) {
    const content = await readAuthFile(file);
    if (!content) continue;
    const helper = entryFor(content.credHelpers, domain);
    if (helper) return fromHelper(helper, domain, order, `credHelpers in ${file.path}`, env, signal);
    // containers/image reads no credsStore (its registries.conf names helpers instead).
    if (content.credsStore && order !== 'podman') {
      const found = await fromHelper(
        content.credsStore,
        domain,
        order,
        `credsStore in ${file.path}`,
        env,
        signal,
      );
      if (found) return found;
      continue;
    }
    const entry = entryFor(content.auths, domain);
    const credential = entry ? fromEntry(entry, file.path) : undefined;
    if (credential) return credential;
  }
  // Apptainer's pulls read these (APPTAINER_DOCKER_USERNAME/PASSWORD) for every registry.
  if (order === 'any' && env.APPTAINER_DOCKER_USERNAME && env.APPTAINER_DOCKER_PASSWORD) {
    return {
      kind: 'password',
      username: env.APPTAINER_DOCKER_USERNAME,
      password: env.APPTAINER_DOCKER_PASSWORD,
      source: 'APPTAINER_DOCKER_USERNAME and APPTAINER_DOCKER_PASSWORD',
    };
  }
  return undefined;
};

/** Where logins were looked for, for the message of a registry that wants one. */
export const credentialPlaces = (order: CredentialOrder, env: NodeJS.ProcessEnv): string[] =>
  authFilesFor(order, env).map((file) => file.path);
