import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameLockPath, withNameLock } from '../../../src/leftovers/name-lock.js';

describe('name locks between bridges', () => {
  let runtime: string;
  const env = () => ({ XDG_RUNTIME_DIR: runtime });
  beforeAll(async () => {
    runtime = await mkdtemp(join(tmpdir(), 'bst-lock-test-'));
  });
  afterAll(async () => {
    await rm(runtime, { recursive: true, force: true });
  });

  it('one holder at a time per name; other names do not wait', async () => {
    const events: string[] = [];
    const hold = (name: string, key: string) =>
      withNameLock(
        key,
        new AbortController().signal,
        async () => {
          events.push(`${name} in`);
          await new Promise((resolve) => setTimeout(resolve, 150));
          events.push(`${name} out`);
        },
        env(),
      );
    await Promise.all([hold('a', 'same'), hold('b', 'same'), hold('c', 'other')]);
    const a = events.indexOf('a in');
    const b = events.indexOf('b in');
    const [first, second] = a < b ? ['a', 'b'] : ['b', 'a'];
    expect(events.indexOf(`${second} in`)).toBeGreaterThan(events.indexOf(`${first} out`));
    expect(events.indexOf('c in')).toBeLessThan(events.indexOf(`${first} out`));
    expect(await readdir(join(runtime, 'bst-containers', 'locks'))).toEqual([]);
  });

  it('a lock left by a bridge that no longer runs is taken over', async () => {
    // Written by a process of this host that is gone: no PID 999999999 runs.
    await writeFile(nameLockPath('stale', env()), `${hostname()}/999999999/1`);
    expect(await withNameLock('stale', new AbortController().signal, async () => 'taken', env())).toBe(
      'taken',
    );
  });

  it('waiting ends when the call is cancelled', async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = withNameLock('busy', new AbortController().signal, () => released, env());
    const controller = new AbortController();
    const waiter = withNameLock('busy', controller.signal, async () => 'ran', env());
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await expect(waiter).rejects.toThrow('cancelled');
    release();
    await holder;
  });
});
