import { describe, expect, it } from 'vitest';
import { CallsInFlight } from '../../../src/protocol/calls-in-flight.js';

describe('calls in flight', () => {
  it('fails every call in flight, and every call that starts after, with the fault', async () => {
    const calls = new CallsInFlight();
    const before = calls.start();
    calls.failAll(new Error('fault'));
    const after = calls.start();
    await expect(before.failed).rejects.toThrow('fault');
    await expect(after.failed).rejects.toThrow('fault');
  });

  it('settles "all answered" once as many calls as were read have finished', async () => {
    const calls = new CallsInFlight();
    const first = calls.start();
    const second = calls.start();
    const read = 3;
    let settled = false;
    const all = calls
      .allAnswered(() => read)
      .then(() => {
        settled = true;
      });
    calls.finish(first);
    calls.finish(second);
    await Promise.resolve();
    expect(settled).toBe(false);
    calls.finish(calls.start());
    await all;
    expect(settled).toBe(true);
  });
});
