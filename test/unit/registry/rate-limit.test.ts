import { describe, expect, it } from 'vitest';
import { rateLimitOf } from '../../../src/registry/rate-limit.js';
import { pullLimitReached } from '../../../src/shared/failures.js';

const now = new Date('2026-11-30T12:00:00Z');

describe("a registry's 429, as its headers tell it", () => {
  it("reads Docker Hub's RateLimit headers and Retry-After in seconds or as a date", () => {
    expect(
      rateLimitOf(
        { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'retry-after': '1800' },
        now,
      ),
    ).toEqual({ limit: 100, windowSeconds: 21600, remaining: 0, resetAt: new Date('2026-11-30T12:30:00Z') });
    expect(rateLimitOf({ 'retry-after': 'Mon, 30 Nov 2026 14:00:00 GMT' }, now)).toEqual({
      resetAt: new Date('2026-11-30T14:00:00Z'),
    });
    expect(rateLimitOf({ 'ratelimit-reset': '60' }, now)).toEqual({
      resetAt: new Date('2026-11-30T12:01:00Z'),
    });
    expect(rateLimitOf({}, now)).toEqual({});
  });

  it('words the limit, its reset and how to raise it', () => {
    const report = rateLimitOf(
      { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0', 'retry-after': '5400' },
      now,
    );
    const error = pullLimitReached(
      { kind: 'pull', reference: 'docker.io/library/alpine:3' },
      'docker.io',
      report,
      '`docker login docker.io`',
      undefined,
      now,
    );
    expect(error.code).toBe(-32030);
    expect(error.message).toBe(
      'Could not pull docker.io/library/alpine:3: docker.io answered that a pull limit was reached (HTTP 429 Too Many Requests) (100 pulls per 6 h, 0 left). It resets in 1 h 30 min (at 13:30 UTC). Logging in raises it (`docker login docker.io`; the tasks of a Slurm job array share one address, so log in before starting it), or wait.',
    );
    expect(error.data).toEqual({
      reason: expect.any(String),
      registry: 'docker.io',
      rateLimit: { limit: 100, windowSeconds: 21600, remaining: 0, resetAt: '2026-11-30T13:30:00.000Z' },
    });
    const unknown = pullLimitReached(
      { kind: 'manifest', reference: 'x/y:1' },
      'docker.io',
      {},
      undefined,
      undefined,
      now,
    );
    expect(unknown.message).toContain(
      'The registry did not say when it resets. This is the limit of the account logged in',
    );
  });
});
