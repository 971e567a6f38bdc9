import { describe, expect, it } from 'vitest';
import {
  clusterNameFrom,
  jobStateFrom,
  readSlurmJob,
  slurmJobOf,
  squeueArgs,
} from '../../../src/leftovers/slurm-job.js';

// squeue's and scontrol's answers as Slurm 22.05 (Debian's slurm-wlm) printed them on the tests'
// cluster for `squeue -h -t all -j ID -o '%A %T'`; the integration tests ask the real one.
const answer = (exitCode: number, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });
const INVALID = 'slurm_load_jobs error: Invalid job id specified\n';
const CONTROLLER_DOWN = 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n';

describe('the Slurm job of a bridge', () => {
  it('is SLURM_JOB_ID, with SLURM_CLUSTER_NAME when set; none outside a job', () => {
    expect(slurmJobOf({ SLURM_JOB_ID: '4242', SLURM_CLUSTER_NAME: 'bst-test' })).toEqual({
      id: '4242',
      cluster: 'bst-test',
    });
    expect(slurmJobOf({ SLURM_JOB_ID: '4242' })).toEqual({ id: '4242' });
    expect(slurmJobOf({})).toBe(undefined);
    expect(slurmJobOf({ SLURM_CLUSTER_NAME: 'bst-test' })).toBe(undefined);
  });

  it('is no job when its id is not digits, and has no cluster when the name is not a name', () => {
    for (const id of ['', '12_3', '-1', '1 2', '$(id)', '12\n'])
      expect(slurmJobOf({ SLURM_JOB_ID: id, SLURM_CLUSTER_NAME: 'c' })).toBe(undefined);
    expect(slurmJobOf({ SLURM_JOB_ID: '7', SLURM_CLUSTER_NAME: 'a/b' })).toEqual({ id: '7' });
    expect(readSlurmJob('7', 'c')).toEqual({ id: '7', cluster: 'c' });
    expect(readSlurmJob(7, 'c')).toBe(undefined);
    expect(readSlurmJob('7', 3)).toEqual({ id: '7' });
    expect(readSlurmJob(undefined, 'c')).toBe(undefined);
  });

  it('asks squeue for the job in every state, its own id beside its state', () => {
    expect(squeueArgs('42')).toEqual(['-h', '-t', 'all', '-j', '42', '-o', '%A %T']);
  });
});

describe("a job's state from squeue", () => {
  it('running, pending or still being ended: running', () => {
    for (const state of ['RUNNING', 'PENDING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'CONFIGURING'])
      expect(jobStateFrom('7', answer(0, `7 ${state}\n`))).toBe('running');
  });

  it('ended in any way: over', () => {
    for (const state of [
      'COMPLETED',
      'CANCELLED',
      'FAILED',
      'TIMEOUT',
      'NODE_FAIL',
      'OUT_OF_MEMORY',
      'PREEMPTED',
    ])
      expect(jobStateFrom('7', answer(0, `7 ${state}\n`))).toBe('over');
  });

  it('no longer known to the controller: over', () => {
    expect(jobStateFrom('7', answer(1, '', INVALID))).toBe('over');
  });

  it('squeue failed, could not run, or said nothing of the job: unknown', () => {
    expect(jobStateFrom('7', answer(1, '', CONTROLLER_DOWN))).toBe('unknown');
    expect(jobStateFrom('4000000000', answer(1, '', 'squeue: error: Invalid job id: 4000000000\n'))).toBe(
      'unknown',
    );
    expect(jobStateFrom('7', undefined)).toBe('unknown');
    expect(jobStateFrom('7', answer(0, ''))).toBe('unknown');
    expect(jobStateFrom('7', answer(0, '7 SOMETHING_NEW\n'))).toBe('unknown');
    expect(jobStateFrom('7', answer(0, '8 RUNNING\n'))).toBe('unknown');
  });

  it("an array task whose id is the array's: its own line among the tasks squeue lists", () => {
    const array = '3 CANCELLED\n5 RUNNING\n4 RUNNING\n';
    expect(jobStateFrom('3', answer(0, array))).toBe('over');
    expect(jobStateFrom('5', answer(0, array))).toBe('running');
  });
});

describe("the cluster's name from scontrol show config", () => {
  it('reads ClusterName; nothing when scontrol failed', () => {
    const config =
      'Configuration data as of 2026-11-30T10:57:00\nAccountingStorageType   = (null)\nClusterName             = bst-test\nKillWait                = 5 sec\n';
    expect(clusterNameFrom(answer(0, config))).toBe('bst-test');
    expect(
      clusterNameFrom(answer(1, '', 'slurm_load_ctl_conf error: Unable to contact slurm controller')),
    ).toBe(undefined);
    expect(clusterNameFrom(undefined)).toBe(undefined);
    expect(clusterNameFrom(answer(0, 'KillWait = 5 sec\n'))).toBe(undefined);
  });
});
