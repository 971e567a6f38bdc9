import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import {
  asUserCommand,
  BASE_IMAGE,
  callerTempDir,
  REGISTRY_IMAGE,
  userCopy,
  userNode,
} from '../../helpers/paths.js';
import { jobIdsNamed, sbatch } from '../../helpers/slurm.js';
import { waitUntil } from '../../helpers/wait-until.js';

const TASKS = 8;
const TAG = 'brainstorm_job-array';
/** How long the whole array may take before the test gives up: a hang, not a measure. */
const ARRAY_GIVES_UP_MS = 600_000;

/** The engine's CLI as the test user (the user's own rootless Podman's store, Docker through its group). */
const engineCli = async (engine: string, ...args: string[]) => {
  const { file, args: argv, env, cwd } = asUserCommand([engine, ...args]);
  return execa(file, argv, { env, extendEnv: false, cwd, reject: false });
};

/** An image's ID as the bridge answers it (Podman's CLI prints it without `sha256:`). */
const imageIdOf = async (engine: string, image: string) => {
  const id = (await engineCli(engine, 'image', 'inspect', '--format', '{{.Id}}', image)).stdout.trim();
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
};

// Task 0 runs the shim in Octave; the others the Python client. Each has a bridge of its own.
const SCRIPT = `#!/bin/sh
if [ "$SLURM_ARRAY_TASK_ID" = 0 ]; then
  exec octave-cli --no-gui --quiet --no-init-file --eval "addpath('${userCopy}/matlab'); addpath('${userCopy}/test/matlab'); addpath('${userCopy}/test/matlab/stubs'); slurm_lifecycle_task"
fi
exec python3 ${userCopy}/test/slurm/lifecycle_task.py
`;

// Brainstorm in batch: a job array, one task per subject, all importing the same image with the
// same tag and running the plugin's lifecycle on one engine at the same time, as the test user.
describe.each(['docker', 'podman'])('a Slurm job array of %s lifecycles', (engine) => {
  const folders: string[] = [];
  afterAll(async () => {
    await engineCli(engine, 'rmi', '-f', `${TAG}:latest`);
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it(`${TASKS} tasks at once: every one succeeds, and the images are what one import leaves`, async () => {
    await engineCli(engine, 'rmi', '-f', `${TAG}:latest`);
    await engineCli(engine, 'rmi', REGISTRY_IMAGE);
    const imageSha = await imageIdOf(engine, BASE_IMAGE);
    const output = await callerTempDir('bst-array-out-');
    const hostDir = await callerTempDir('bst-array-data-');
    folders.push(output, hostDir);
    const name = `bst-array-${engine}`;
    const started = performance.now();
    const jobId = await sbatch(SCRIPT, [
      `--job-name=${name}`,
      `--array=0-${TASKS - 1}`,
      `--output=${output}/task-%a.out`,
      `--export=ALL,BST_CONTAINERS_ENGINE=${engine},BST_TEST_ENGINE=${engine},BST_TEST_TAG=${TAG},BST_TEST_REGISTRY_IMAGE=${REGISTRY_IMAGE},BST_TEST_HOST_DIR=${hostDir},BST_TEST_CLIENT_DIR=${userCopy}/clients/python,BST_CONTAINERS_BRIDGE=${userCopy}/dist/bst-containers.js,BST_CONTAINERS_NODE=${userNode}`,
    ]);
    await waitUntil(async () => (await jobIdsNamed(name)).length === 0, {
      timeoutMs: ARRAY_GIVES_UP_MS,
      what: `the job array ${jobId} to end`,
    });
    const seconds = (performance.now() - started) / 1000;

    const outputs = await Promise.all(
      Array.from({ length: TASKS }, (_, task) => readFile(join(output, `task-${task}.out`), 'utf8')),
    );
    const shim = /^SHIM-TASK 0 (\S+) (\S+) ([\d.]+)$/m.exec(outputs[0] as string);
    expect(shim, outputs[0]).not.toBeNull();
    expect(shim?.slice(1, 3)).toEqual([engine, imageSha]);
    const pythonTasks = outputs.slice(1).map((text) => JSON.parse(text.trim().split('\n').at(-1) as string));
    for (const [index, result] of pythonTasks.entries()) {
      const task = String(index + 1);
      expect(result).toMatchObject({
        task,
        engine,
        imageSha,
        listed: true,
        cmdout: `task-${task}\n`,
        onHost: `task-${task}\n`,
      });
      expect(result.volumes).toEqual([[join(hostDir, `task-${task}`), '/data']]);
    }
    // What one import with a tag leaves: the tag, and not the registry's name it arrived with.
    expect(await imageIdOf(engine, `${TAG}:latest`)).toBe(imageSha);
    expect((await engineCli(engine, 'image', 'inspect', REGISTRY_IMAGE)).exitCode).not.toBe(0);
    // Every task stopped its own container.
    const left = (await engineCli(engine, 'ps', '-a', '--format', '{{.Names}}')).stdout;
    expect(left).not.toContain(`bst_array_${jobId}_`);
    expect(await readdir(hostDir)).toHaveLength(TASKS);
    const taskSeconds = [Number(shim?.[3]), ...pythonTasks.map((result) => result.seconds as number)];
    console.log(
      `${engine}: ${TASKS} tasks in ${seconds.toFixed(1)} s from sbatch to the last one's end; per task ${Math.min(...taskSeconds).toFixed(1)}-${Math.max(...taskSeconds).toFixed(1)} s (the shim's ${taskSeconds[0]?.toFixed(1)} s); ImportImage ${pythonTasks.map((result) => result.calls.ImportImage).join(', ')} s`,
    );
  });
});
