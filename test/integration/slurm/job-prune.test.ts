import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../helpers/bridge-client.js';
import {
  ENGINE,
  engineCli,
  engineCliOk,
  labelledSleeper,
  removeContainer,
} from '../../helpers/engine-cli.js';
import { asCaller, bridgeCommand, callerTempDir, giveToCaller, userCopy } from '../../helpers/paths.js';
import { SLURM_CONF, sbatch, scancel, waitForJobState } from '../../helpers/slurm.js';
import { testUser } from '../../helpers/test-user.js';

// Leftovers of bridges that ran in Slurm jobs on another node of an engine several nodes share:
// this node cannot look at that node's processes, so Prune asks the tests' real Slurm about the job.
const ELSEWHERE = 'another-node/4242/123456';
/** A job id the cluster never gave (its ids count from 1). */
const NEVER_GIVEN = '99999999';
const CLUSTER = /^ClusterName=(\S+)$/m.exec(readFileSync(SLURM_CONF, 'utf8'))?.[1] as string;

const NAMES = {
  unknownJob: 'bst_jobprune-unknown',
  endedJob: 'bst_jobprune-ended',
  runningJob: 'bst_jobprune-running',
  otherCluster: 'bst_jobprune-other-cluster',
  noJob: 'bst_jobprune-no-job',
};

const labelsOf = (job: string | undefined, cluster = CLUSTER) => ({
  'org.brainstorm.bst-containers': 'owner',
  'org.brainstorm.bst-containers.session': ELSEWHERE,
  'org.brainstorm.bst-containers.format': '1',
  'org.brainstorm.bst-containers.user': String(testUser().uid),
  ...(job ? { 'org.brainstorm.bst-containers.slurm-job': job } : {}),
  ...(job ? { 'org.brainstorm.bst-containers.slurm-cluster': cluster } : {}),
});

describe(`Prune of what bridges in Slurm jobs left, on ${ENGINE}`, () => {
  let folder: string;
  let runningJob: string;

  beforeAll(async () => {
    for (const name of Object.values(NAMES)) await removeContainer(name);
    folder = await callerTempDir('bst-job-prune-');
    const endedJob = await sbatch('#!/bin/sh\ntrue\n');
    runningJob = await sbatch('#!/bin/sh\nsleep 600\n');
    await waitForJobState(endedJob, ['COMPLETED']);
    await waitForJobState(runningJob, ['RUNNING']);
    await labelledSleeper(NAMES.unknownJob, labelsOf(NEVER_GIVEN));
    await labelledSleeper(NAMES.endedJob, labelsOf(endedJob));
    await labelledSleeper(NAMES.runningJob, labelsOf(runningJob));
    await labelledSleeper(NAMES.otherCluster, labelsOf(NEVER_GIVEN, `not-${CLUSTER}`));
    await labelledSleeper(NAMES.noJob, labelsOf(undefined));
  });

  afterAll(async () => {
    await scancel(runningJob).catch(() => {});
    for (const name of Object.values(NAMES)) await removeContainer(name);
    await rm(folder, { recursive: true, force: true });
  });

  /** Prune's containers among this test's, sorted. */
  const ours = (result: { containers: [string, string][] }) =>
    result.containers
      .filter(([, name]) => Object.values(NAMES).includes(name))
      .map(([engine, name]) => `${engine} ${name}`)
      .sort();
  const prune = async (env: NodeJS.ProcessEnv) => {
    const bridge = new BridgeClient({ env });
    try {
      return ours(await bridge.call<{ containers: [string, string][] }>('Prune', { engine: ENGINE }));
    } finally {
      await bridge.close();
    }
  };
  const allThere = async () => {
    for (const name of Object.values(NAMES))
      expect(await engineCliOk('container', 'inspect', name)).toBe(true);
  };

  it('keeps them all when squeue cannot reach the controller', async () => {
    // The cluster's own configuration, but a port where no controller listens.
    const down = join(folder, 'slurm.conf');
    await writeFile(
      down,
      readFileSync(SLURM_CONF, 'utf8').replace(/^SlurmctldPort=\d+$/m, 'SlurmctldPort=1'),
    );
    await giveToCaller(down);
    expect(await prune({ SLURM_CONF: down })).toEqual([]);
    await allThere();
  });

  it('keeps them all when there is no squeue', async () => {
    // setpriv (which starts the bridge as the user) and the engines' CLIs, but none of Slurm's:
    // in a folder of root's, as root runs setpriv from it.
    const bin = await mkdtemp(join(tmpdir(), 'bst-no-slurm-'));
    try {
      await chmod(bin, 0o755);
      for (const program of ['setpriv', 'docker', 'podman']) {
        const found = ['/usr/local/bin', '/usr/bin'].map((dir) => join(dir, program)).find(existsSync);
        if (found) await symlink(found, join(bin, program));
      }
      expect(await prune({ SLURM_CONF, PATH: `${userCopy}/node/bin:${bin}` })).toEqual([]);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
    await allThere();
  });

  it("removes a job's leftovers once squeue says it ended or no longer knows it; keeps a running job's, another cluster's, and those of no job", async () => {
    const command = asCaller([...bridgeCommand, 'prune', '--engine', ENGINE, '--json'], { SLURM_CONF });
    const { stdout } = await execa(command.file, command.args, {
      env: command.env,
      extendEnv: false,
      cwd: command.cwd,
    });
    expect(ours(JSON.parse(stdout))).toEqual([
      `${ENGINE} ${NAMES.endedJob}`,
      `${ENGINE} ${NAMES.unknownJob}`,
    ]);
    for (const name of [NAMES.endedJob, NAMES.unknownJob])
      expect(await engineCliOk('container', 'inspect', name)).toBe(false);
    for (const name of [NAMES.runningJob, NAMES.otherCluster, NAMES.noJob])
      expect(await engineCli('container', 'inspect', '--format', '{{.State.Running}}', name)).toBe('true');
  });
});
