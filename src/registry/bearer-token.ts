import { type Dispatcher, requestUrl } from '../shared/http.js';
import type { RegistryCredential } from './credentials/registry-credential.js';
import { jsonBody } from './json-body.js';

/** The token service answered 401 or 403: it refused the login it was given. */
export class TokenRefused extends Error {}

const tokenOf = async (response: Dispatcher.ResponseData): Promise<string> => {
  if (response.statusCode === 401 || response.statusCode === 403) {
    await response.body.dump();
    throw new TokenRefused(`the token service answered ${response.statusCode}`);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`the token service answered ${response.statusCode}`);
  }
  const body = (await jsonBody(response, "the token service's answer")).json as {
    token?: string;
    access_token?: string;
  };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error('the token service answered no token');
  return token;
};

/**
 * A bearer token from the service a `WWW-Authenticate: Bearer` challenge names, as the Docker
 * engine gets one (distribution's token spec): anonymous, or with the user and password as basic
 * auth, or for an identity token by OAuth2's refresh-token grant (POST).
 */
export const bearerAuthorization = async (
  challenge: Record<string, string>,
  credential: RegistryCredential | undefined,
  signal?: AbortSignal,
): Promise<string> => {
  const url = new URL(challenge.realm as string);
  if (credential?.kind === 'identity-token') {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credential.identityToken,
      client_id: 'bst-containers',
      ...(challenge.service ? { service: challenge.service } : {}),
      ...(challenge.scope ? { scope: challenge.scope } : {}),
    });
    const response = await requestUrl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal,
    });
    return `Bearer ${await tokenOf(response)}`;
  }
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.set('scope', challenge.scope);
  const headers: Record<string, string> = {};
  if (credential) headers.authorization = basicAuthorization(credential.username, credential.password);
  return `Bearer ${await tokenOf(await requestUrl(url, { headers, signal }))}`;
};

export const basicAuthorization = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
