import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, engineCli } from '../helpers/engine-cli.js';
import { type FileServer, startFileServer } from '../helpers/file-server.js';
import { HOST_GPU } from '../helpers/host.js';
import { runOctave, startOctaveSession } from '../helpers/octave.js';
import {
  BASE_IMAGE,
  bridgeNode,
  callerPath,
  callerTempDir,
  giveToCaller,
  NESTED_TARBALL,
  REGISTRY_IMAGE,
} from '../helpers/paths.js';
import { AS_USER, testUser } from '../helpers/test-user.js';

/** Each test function prints `ok - ...` per check and `ALL PASSED` at its end; a failed check exits non-zero. */
const expectPassed = (run: { exitCode: number | undefined; stdout: string; stderr: string }) => {
  expect(run.stdout, run.stderr).toContain('ALL PASSED');
  expect(run.exitCode).toBe(0);
};

describe(`matlab/bst_containers.m in GNU Octave against the real ${ENGINE}`, () => {
  let server: FileServer;
  let folder: string;

  beforeAll(async () => {
    folder = await callerTempDir('bst-shim-');
    server = await startFileServer({ 'image.tar': NESTED_TARBALL });
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers every failure as errMsg, restarts a killed bridge, explains a missing or old Node', async () => {
    const oldNode = join(folder, 'old-node');
    // A real node that reports an old version: the bundle's guard must refuse it.
    await writeFile(
      oldNode,
      `#!/bin/sh\nexec '${bridgeNode}' --import 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.0"})' "$@"\n`,
    );
    await chmod(oldNode, 0o755);
    await giveToCaller(oldNode);
    expectPassed(
      await runOctave('test_shim_errors', {
        env: { BST_TEST_BASE_IMAGE: BASE_IMAGE, BST_TEST_OLD_NODE: oldNode },
      }),
    );
  });

  it('says so when the bridge stops on an internal fault, and starts a fresh one on the next call', async () => {
    const faultFile = join(folder, 'fault-armed');
    await writeFile(faultFile, '');
    await giveToCaller(faultFile);
    expectPassed(
      await runOctave('test_shim_fault', {
        env: { BST_CONTAINERS_TEST_FAULT: `engine-socket:${faultFile}`, BST_TEST_FAULT_FILE: faultFile },
      }),
    );
  });

  it('gives the seed shapes for 0, 1 and several images and volumes', async () => {
    const env = {
      BST_TEST_EMPTY_ENGINE_VARIABLE: ENGINE === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST',
      // The test user's empty Podman is a rootless service of its own (scripts/start-engines.sh).
      BST_TEST_EMPTY_ENGINE_HOST:
        ENGINE === 'docker'
          ? 'unix:///run/bst-containers-test/docker.sock'
          : AS_USER
            ? `unix://${testUser().runtimeDir}/podman-empty.sock`
            : 'unix:///run/bst-containers-test/podman-empty.sock',
      BST_TEST_TARBALL: NESTED_TARBALL,
      BST_TEST_BASE_IMAGE: BASE_IMAGE,
    };
    // The second engine's store outlives a run: start from no image, whatever an earlier run left.
    if (ENGINE === 'docker')
      await engineCli('-H', env.BST_TEST_EMPTY_ENGINE_HOST, 'image', 'prune', '-a', '-f');
    else await engineCli('--remote', '--url', env.BST_TEST_EMPTY_ENGINE_HOST, 'image', 'prune', '-a', '-f');
    const run = await runOctave('test_shim_shapes', { env });
    expectPassed(run);
    // Without Brainstorm, ImportImage shows its progress as text lines.
    expect(run.stdout).toContain('BST> Loading');
  });

  it('cancels in the bridge on Ctrl+C, then unloads the plugin as Brainstorm does', async () => {
    const session = startOctaveSession({ brainstorm: true, env: { BST_TEST_BASE_IMAGE: BASE_IMAGE } });
    session.send("test_shim_cancel('start')");
    // The command's output, echoed live, shows it is running in the container, the shim waiting.
    await session.waitFor('live-output');
    session.interrupt();
    session.send("test_shim_cancel('after')");
    const run = await session.close();
    expect(run.stdout, run.stderr).not.toContain('FAILED');
    expect(run.stdout, run.stderr).toContain('ALL PASSED');
  });

  it("passes Brainstorm's engine and GPU settings, and the bridge ends when Octave exits", async () => {
    const fakeBin = join(folder, 'bin');
    await mkdir(fakeBin);
    // It lists a GPU that this host lacks: the bridge then asks the engine for it.
    await writeFile(
      join(fakeBin, 'nvidia-smi'),
      "#!/bin/sh\necho 'GPU 0: NVIDIA Stand-in (UUID: GPU-00000000-0000-0000-0000-000000000000)'\n",
    );
    await chmod(join(fakeBin, 'nvidia-smi'), 0o755);
    await giveToCaller(fakeBin);
    const run = await runOctave('test_shim_settings', {
      brainstorm: true,
      env: { BST_TEST_BASE_IMAGE: BASE_IMAGE, PATH: `${fakeBin}:${callerPath}` },
    });
    expectPassed(run);
    const pid = Number(/bridge-pid: (\d+)/.exec(run.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const isAlive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let waited = 0; isAlive() && waited < 2000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    expect(isAlive()).toBe(false);
  });

  it('keeps the progress bar a caller opened, and saves only an engine name Brainstorm offers', async () => {
    const run = await runOctave('test_shim_brainstorm', {
      brainstorm: true,
      env: { BST_TEST_TARBALL: NESTED_TARBALL },
    });
    expectPassed(run);
  });

  it("tells the user once when Brainstorm's GPU setting meets a computer without a GPU", async () => {
    expectPassed(
      await runOctave('test_shim_gpu', {
        brainstorm: true,
        env: { BST_TEST_BASE_IMAGE: BASE_IMAGE, BST_TEST_HOST_GPU: HOST_GPU ? '1' : '' },
      }),
    );
  });

  it("runs Brainstorm's plugin lifecycle call by call", async () => {
    const run = await runOctave('test_shim_lifecycle', {
      brainstorm: true,
      env: { BST_TEST_REGISTRY_IMAGE: REGISTRY_IMAGE, BST_TEST_URL: server.url('image.tar') },
    });
    expectPassed(run);
  });
});
