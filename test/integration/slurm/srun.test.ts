import { readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import {
  ENGINE,
  ENGINE_LOCATION,
  engineCli,
  engineCliOk,
  imageIdOf,
  removeContainer,
  removeImageQuietly,
} from '../../helpers/engine-cli.js';
import { EXIT_WITHIN_MS, GIVE_UP_MS, MARGIN_MS } from '../../helpers/margins.js';
import { BASE_IMAGE, bridgeCommand, callerTempDir, REGISTRY_IMAGE } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import { jobIdsNamed, processesOfJob, srunCommand, stepKnown, stepsOf } from '../../helpers/slurm.js';
import { testUser } from '../../helpers/test-user.js';
import { waitUntil } from '../../helpers/wait-until.js';

// Brainstorm's plugin lifecycle through a bridge that `srun -N1 bst-containers` started as a job
// step on the tests' Slurm node, the client speaking to it over srun's stdin and stdout.
const PLUGIN = 'srun-test';
const TAG = `brainstorm_${PLUGIN}`;
const CONTAINER = `bst_${PLUGIN}`;
const JOB_NAME = `bst-srun-test-${process.pid}`;

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe(`a bridge driven through srun, on ${ENGINE}`, () => {
  let bridge: BridgeClient;
  let hostDir: string;
  let imageSha: string;
  let jobId: string;
  let bridgePid: number;

  beforeAll(async () => {
    await removeContainer(CONTAINER);
    await removeImageQuietly(`${TAG}:latest`);
    await removeImageQuietly(REGISTRY_IMAGE);
    hostDir = await callerTempDir('bst srun data ');
    bridge = new BridgeClient({ command: srunCommand(bridgeCommand, { options: ['--job-name', JOB_NAME] }) });
  });

  afterAll(async () => {
    if (bridge.child.exitCode === null) await bridge.close();
    await removeContainer(CONTAINER);
    await rm(hostDir, { recursive: true, force: true });
  });

  it('answers over srun, as one step of a job of the test user, the bridge a process of the step', async () => {
    expect(await bridge.call('GetEngine')).toEqual({ engineName: ENGINE, location: ENGINE_LOCATION });
    const jobs = await jobIdsNamed(JOB_NAME);
    expect(jobs).toHaveLength(1);
    jobId = jobs[0] as string;
    expect(await stepsOf(jobId)).toEqual([`${jobId}.0`]);
    // The step's only process is the bridge the client asked for, run as the test user.
    const processes = processesOfJob(jobId);
    expect(processes.map(commandLine)).toEqual([[...bridgeCommand]]);
    bridgePid = processes[0] as number;
    expect(statSync(`/proc/${bridgePid}`).uid).toBe(testUser().uid);
  });

  it('installs: pulls from the registry and names the image brainstorm_<Name>', async () => {
    const result = await bridge.call<{ imageSha: string }>('ImportImage', {
      imageSource: REGISTRY_IMAGE,
      imageTag: TAG,
    });
    imageSha = result.imageSha;
    expect(imageSha).toBe(await imageIdOf(BASE_IMAGE));
    expect(await imageIdOf(`${TAG}:latest`)).toBe(imageSha);
    expect(await engineCliOk('image', 'inspect', REGISTRY_IMAGE)).toBe(false);
  });

  it('loads: the image is in GetImages', async () => {
    const { imageList } = await bridge.call<{ imageList: string[][] }>('GetImages');
    const row = imageList.find((entry) => entry[1] === imageSha && entry[0]?.startsWith(TAG));
    expect(row?.slice(0, 2)).toEqual([`${TAG}:latest`, imageSha]);
  });

  it('loads: runs a daemon with the host folder on /data', async () => {
    expect(await bridge.call('RunContainer', [CONTAINER, imageSha, [[hostDir, '/data']], 1])).toEqual({});
    expect(await engineCli('container', 'inspect', '--format', '{{.State.Running}}', CONTAINER)).toBe('true');
  });

  it('works: ExecInContainer writes a file the host reads back; GetContainerInfo', async () => {
    await writeFile(join(hostDir, 'input.txt'), 'from host\n');
    const { cmdout } = await bridge.call<{ cmdout: string }>('ExecInContainer', {
      containerName: CONTAINER,
      cmdStr: 'cat /data/input.txt > /data/output.txt && echo written',
    });
    expect(cmdout).toBe('written\n');
    expect(await readFile(join(hostDir, 'output.txt'), 'utf8')).toBe('from host\n');
    const { containerInfo } = await bridge.call<{ containerInfo: unknown }>('GetContainerInfo', {
      containerName: CONTAINER,
    });
    expect(containerInfo).toEqual({
      name: CONTAINER,
      isRunning: true,
      volumes: [[hostDir, '/data']],
      imageSha,
    });
  });

  it('unloads and uninstalls: StopContainer, RemoveImage', async () => {
    expect(await bridge.call('StopContainer', { containerName: CONTAINER })).toEqual({});
    expect(await engineCliOk('container', 'inspect', CONTAINER)).toBe(false);
    expect(await bridge.call('RemoveImage', [TAG, 1])).toEqual({});
    expect(await engineCliOk('image', 'inspect', `${TAG}:latest`)).toBe(false);
  });

  it('ending the client (its stdin closed) ends the bridge, the job step and the job', async () => {
    expect(isRunning(bridgePid)).toBe(true);
    bridge.child.stdin?.end();
    const closed = performance.now();
    // srun returns once its step has ended, with the step's status.
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - closed).toBeLessThan(EXIT_WITHIN_MS + MARGIN_MS);
    expect(isRunning(bridgePid)).toBe(false);
    expect(processesOfJob(jobId)).toEqual([]);
    expect(await stepKnown(`${jobId}.0`)).toBe(false);
    // The controller hears of the job's end from the node a moment after srun does.
    await waitUntil(
      async () => (await stepsOf(jobId)).length === 0 && (await jobIdsNamed(JOB_NAME)).length === 0,
      {
        timeoutMs: GIVE_UP_MS,
        what: `job ${jobId} to leave squeue`,
      },
    );
    expect(bridge.strayLines).toEqual([]);
  });
});
