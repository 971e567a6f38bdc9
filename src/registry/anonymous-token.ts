import { requestUrl } from '../shared/http.js';
import { parseBearerChallenge } from './bearer-challenge.js';
import { jsonBody } from './json-body.js';

/**
 * The `Authorization` for a registry's 401 answer: an anonymous bearer token from the service its
 * `WWW-Authenticate` challenge names; undefined when it asks for something else (credentials).
 */
export const anonymousAuthorization = async (
  challengeHeader: string | undefined,
  signal?: AbortSignal,
): Promise<string | undefined> => {
  const challenge = parseBearerChallenge(challengeHeader);
  if (!challenge) return undefined;
  const url = new URL(challenge.realm as string);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.set('scope', challenge.scope);
  const response = await requestUrl(url, { signal });
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
  return `Bearer ${token}`;
};
