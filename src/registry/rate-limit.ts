import type { RateLimitReport } from '../shared/failures.js';

type Headers = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** `100;w=21600`: a count and its window in seconds (Docker Hub; the IETF RateLimit draft). */
const countAndWindow = (value: string | undefined) => {
  const match = /^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?/.exec(value ?? '');
  return match ? { count: Number(match[1]), window: match[2] ? Number(match[2]) : undefined } : undefined;
};

/** Retry-After: seconds or an HTTP date (RFC 9110 10.2.3); RateLimit-Reset: seconds. */
const resetTime = (headers: Headers, now: Date): Date | undefined => {
  const retryAfter = first(headers['retry-after'])?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return new Date(now.getTime() + Number(retryAfter) * 1000);
    const date = new Date(retryAfter);
    if (!Number.isNaN(date.getTime())) return date;
  }
  const reset = first(headers['ratelimit-reset'])?.trim();
  return reset && /^\d+$/.test(reset) ? new Date(now.getTime() + Number(reset) * 1000) : undefined;
};

/** What a registry's 429 answer says of its limit: as much as its headers tell. */
export const rateLimitOf = (headers: Headers, now = new Date()): RateLimitReport => {
  const limit = countAndWindow(first(headers['ratelimit-limit']));
  const remaining = countAndWindow(first(headers['ratelimit-remaining']));
  const resetAt = resetTime(headers, now);
  return {
    ...(limit ? { limit: limit.count } : {}),
    ...((limit?.window ?? remaining?.window)
      ? { windowSeconds: (limit?.window ?? remaining?.window) as number }
      : {}),
    ...(remaining ? { remaining: remaining.count } : {}),
    ...(resetAt ? { resetAt } : {}),
  };
};
