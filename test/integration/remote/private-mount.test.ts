import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCallerInPrivateMount, filesInMountOf } from '../../helpers/namespaces.js';
import { AS_USER, testUser } from '../../helpers/test-user.js';

// The remote suites run the bridge this way, so that "no local folder is created" can be told
// from what the remote engine (this machine's, reached over SSH) creates in the same place.
describe('a private mount namespace with an empty folder, for the bridge as the caller', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bst-private-mount-'));
    await writeFile(join(folder, 'on-this-machine'), '');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('what is made inside stays inside, and what this machine has or makes is not seen from it', async () => {
    const script = 'touch "$1/made-inside" && id -u && cat >/dev/null';
    const { file, args, env, cwd } = asCallerInPrivateMount(folder, ['/bin/sh', '-c', script, 'sh', folder]);
    const child = spawn(file, args, { env, cwd, stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const [uid] = await Promise.race([
        once(createInterface({ input: child.stdout }), 'line'),
        exited.then((code) => Promise.reject(new Error(`the shell ended (${code}) before it was ready`))),
      ]);
      expect(Number(uid)).toBe(AS_USER ? testUser().uid : 0);
      await writeFile(join(folder, 'made-outside'), '');

      expect(await filesInMountOf(child.pid as number, folder)).toEqual(['made-inside']);
      expect((await readdir(folder)).sort()).toEqual(['made-outside', 'on-this-machine']);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  });
});
