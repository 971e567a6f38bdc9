import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileServer, startFileServer } from '../helpers/file-server.js';
import { runOctave } from '../helpers/octave.js';
import { BASE_IMAGE, NESTED_TARBALL, REGISTRY_IMAGE } from '../helpers/paths.js';

/** Each test function prints `ok - ...` per check and `ALL PASSED` at its end; a failed check exits non-zero. */
const expectPassed = (run: { exitCode: number | undefined; stdout: string; stderr: string }) => {
  expect(run.stdout, run.stderr).toContain('ALL PASSED');
  expect(run.exitCode).toBe(0);
};

describe('matlab/bst_containers.m in GNU Octave against the real dockerd', () => {
  let server: FileServer;

  beforeAll(async () => {
    server = await startFileServer({ 'image.tar': NESTED_TARBALL });
  });

  afterAll(async () => {
    await server.close();
  });

  it("runs Brainstorm's plugin lifecycle call by call", async () => {
    const run = await runOctave('test_shim_lifecycle', {
      brainstorm: true,
      env: { BST_TEST_REGISTRY_IMAGE: REGISTRY_IMAGE, BST_TEST_URL: server.url('image.tar') },
    });
    expectPassed(run);
  });
});
