import { setTimeout as delay } from 'node:timers/promises';

/** How often a condition is looked at again. */
const POLL_MS = 20;

/**
 * Waits until `check` answers something truthy, and gives it back: for a state that sends no
 * event of its own (a process in another process's tree, a socket that starts answering, a line
 * in a list the bridge fills). Past `timeoutMs` it fails, naming `what` it was waiting for.
 */
export const waitUntil = async <T>(
  check: () => T | Promise<T>,
  { timeoutMs, what }: { timeoutMs: number; what: string },
): Promise<NonNullable<T>> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}, in vain`);
    await delay(POLL_MS);
  }
};
