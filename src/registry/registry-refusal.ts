import { BridgeError } from '../shared/bridge-error.js';
import { pullLimitReached, registryLoginRefused } from '../shared/failures.js';
import { stallTimeoutMs } from '../shared/stall-timeout.js';
import type { RegistryCredential } from './credentials/registry-credential.js';
import { manifestUrl } from './manifest-digest.js';
import type { ImageReference } from './reference.js';
import { howToLogIn, loginUsed, type RegistryVisit, requestRegistry } from './registry-request.js';

// How the engines word a registry's refusals: distribution's error codes (`unauthorized`,
// `toomanyrequests`) as the registry sent them, Docker's "no basic auth credentials", and
// containers/image's "invalid username/password".
const LOGIN_REFUSED =
  /\bunauthorized\b|authentication required|no basic auth credentials|invalid username\/password|incorrect username or password|401 Unauthorized/i;
const LIMIT_REACHED = /toomanyrequests|too many requests|\b429\b|pull rate limit/i;
const PROBE_MS = 10_000;

/**
 * The registry's pull limit, when it answers a HEAD on the manifest with 429: its headers say
 * how much and until when. Undefined: it answers otherwise, or not at all.
 */
export const askedLimit = async (
  ref: ImageReference,
  visit: RegistryVisit,
): Promise<BridgeError | undefined> => {
  // A registry that stalled the engine may stall this too: it is worth a few seconds, no more.
  const limit = AbortSignal.timeout(Math.min(stallTimeoutMs(), PROBE_MS));
  const signal = visit.signal ? AbortSignal.any([visit.signal, limit]) : limit;
  try {
    const response = await requestRegistry(manifestUrl(ref), 'HEAD', {}, { ...visit, signal });
    await response.body.dump();
  } catch (error) {
    if (error instanceof BridgeError && (error.data as { rateLimit?: unknown })?.rateLimit) return error;
  }
  return undefined;
};

/**
 * The engine's failed pull in the registry's terms, when the registry refused the login or hit
 * its pull limit: for a limit, the registry is asked (HEAD, which Docker Hub does not count)
 * for its rate-limit headers, since the engine passes none of them on.
 */
export const registryRefusal = async (
  engineMessage: string,
  ref: ImageReference,
  visit: RegistryVisit,
  credential: RegistryCredential | undefined,
): Promise<BridgeError | undefined> => {
  if (LIMIT_REACHED.test(engineMessage)) {
    return (
      (await askedLimit(ref, visit)) ??
      pullLimitReached(visit.action, visit.domain, {}, howToLogIn(visit, credential), engineMessage)
    );
  }
  if (LOGIN_REFUSED.test(engineMessage)) {
    return registryLoginRefused(
      visit.action,
      visit.domain,
      loginUsed(visit, credential),
      new Error(engineMessage),
    );
  }
  return undefined;
};
