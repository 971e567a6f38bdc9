import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIVE_UP_MS, MARGIN_MS } from '../../helpers/margins.js';
import { callerTempDir } from '../../helpers/paths.js';
import { isRunning } from '../../helpers/processes.js';
import {
  jobState,
  KILL_WAIT_MS,
  processesOfJob,
  sbatch,
  scancel,
  waitForJobState,
} from '../../helpers/slurm.js';
import { testUser } from '../../helpers/test-user.js';
import { waitUntil } from '../../helpers/wait-until.js';

// The cluster the other Slurm suites rely on: jobs are the test user's, and scancel ends them
// within KillWait even when they ignore SIGTERM.
describe("the tests' Slurm cluster", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await callerTempDir('bst-slurm-jobs-');
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('runs a batch job as the test user, in the folder it was submitted from, with its arguments', async () => {
    const output = join(folder, 'job.txt');
    const jobId = await sbatch('#!/bin/sh\n{ id -u; pwd; echo "$1"; } > "$2"\n', [], ['an argument', output]);
    expect(await waitForJobState(jobId, ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'])).toBe('COMPLETED');
    const { uid, home } = testUser();
    expect(await readFile(output, 'utf8')).toBe(`${uid}\n${home}\nan argument\n`);
  });

  it('scancel ends a job that ignores SIGTERM, and every process of it, within KillWait', async () => {
    // `trap '' TERM` is inherited: neither the shell nor its sleep can be ended but by SIGKILL.
    const jobId = await sbatch("#!/bin/sh\ntrap '' TERM\nsleep 600 &\nwait\n");
    const processes = await waitUntil(
      () => {
        const pids = processesOfJob(jobId);
        return pids.length === 2 ? pids : undefined;
      },
      { timeoutMs: GIVE_UP_MS, what: `job ${jobId}'s shell and its sleep` },
    );
    await scancel(jobId);
    await waitUntil(() => processes.every((pid) => !isRunning(pid)), {
      timeoutMs: KILL_WAIT_MS + MARGIN_MS,
      what: `the processes ${processes.join(', ')} of the cancelled job ${jobId} to end`,
    });
    expect(await waitForJobState(jobId, ['CANCELLED'])).toBe('CANCELLED');
    expect(processesOfJob(jobId)).toEqual([]);
    expect(await jobState(jobId)).toBe('CANCELLED');
  });
});
