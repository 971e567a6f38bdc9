import {
  type LoginUsed,
  pullLimitReached,
  type RegistryAction,
  registryLoginRefused,
} from '../shared/failures.js';
import { type Dispatcher, requestUrl } from '../shared/http.js';
import { basicAuthorization, bearerAuthorization, TokenRefused } from './bearer-token.js';
import { credentialPlaces, findCredential } from './credentials/find-credential.js';
import type { CredentialOrder, RegistryCredential } from './credentials/registry-credential.js';
import { rateLimitOf } from './rate-limit.js';
import { DEFAULT_DOMAIN, isLoopbackRegistry } from './reference.js';
import { parseChallenge } from './www-authenticate.js';

/** One registry, asked on behalf of one call: what it is for, and whose logins to use. */
export interface RegistryVisit {
  action: RegistryAction;
  domain: string;
  order: CredentialOrder;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Where the registry's API is: Docker Hub's own host; a loopback one over plain http, as the engines reach it. */
export const registryBaseUrl = (domain: string): string => {
  if (domain === DEFAULT_DOMAIN) return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(domain) ? 'http' : 'https'}://${domain}`;
};

const LOGIN_COMMAND: Record<CredentialOrder, string> = {
  docker: 'docker login',
  podman: 'podman login',
  any: 'docker login',
};

/** How to log in to raise a pull limit; none when a login was sent. */
export const howToLogIn = (visit: RegistryVisit, credential: RegistryCredential | undefined) =>
  credential ? undefined : `\`${LOGIN_COMMAND[visit.order]} ${visit.domain}\``;

/** What a refused or missing login is about: the one sent, or where none was found. */
export const loginUsed = (visit: RegistryVisit, credential: RegistryCredential | undefined): LoginUsed =>
  credential
    ? {
        sent: true,
        ...(credential.kind === 'password' ? { username: credential.username } : {}),
        source: credential.source,
      }
    : {
        sent: false,
        places: credentialPlaces(visit.order, visit.env),
        loginCommand: LOGIN_COMMAND[visit.order],
      };

/**
 * A request to a registry, logged in only when it asks (401), as the engines do: the login the
 * CLIs keep for it, sent as its challenge wants (basic, or for a bearer token), else an
 * anonymous token. A refused login, and a pull limit (429), are their own errors; any other
 * answer is the caller's to read.
 */
export const requestRegistry = async (
  url: string,
  method: Dispatcher.HttpMethod,
  headers: Record<string, string>,
  visit: RegistryVisit,
): Promise<Dispatcher.ResponseData> => {
  let authorization: string | undefined;
  let credential: RegistryCredential | undefined;
  let asked = false;
  for (;;) {
    const response = await requestUrl(url, {
      method,
      headers: authorization ? { ...headers, authorization } : headers,
      signal: visit.signal,
    });
    if (response.statusCode === 429) {
      await response.body.dump();
      throw pullLimitReached(
        visit.action,
        visit.domain,
        rateLimitOf(response.headers),
        howToLogIn(visit, credential),
      );
    }
    if (response.statusCode !== 401) return response;
    await response.body.dump();
    if (asked) throw registryLoginRefused(visit.action, visit.domain, loginUsed(visit, credential));
    asked = true;
    credential = await findCredential(visit.domain, visit.order, visit.env, visit.signal);
    const challenge = parseChallenge(response.headers['www-authenticate'] as string | undefined);
    if (challenge?.scheme === 'bearer') {
      try {
        authorization = await bearerAuthorization(challenge.params, credential, visit.signal);
      } catch (error) {
        if (error instanceof TokenRefused)
          throw registryLoginRefused(visit.action, visit.domain, loginUsed(visit, credential), error);
        throw error;
      }
    } else if (credential?.kind === 'password') {
      authorization = basicAuthorization(credential.username, credential.password);
    } else {
      throw registryLoginRefused(visit.action, visit.domain, loginUsed(visit, credential));
    }
  }
};
