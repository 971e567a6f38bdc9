import { describe, expect, it } from 'vitest';
import { readJobGpus } from '../../../src/engines/gpu-selection.js';

const JOB = { SLURM_JOB_ID: '123' };

describe("a Slurm job's GPUs on this node", () => {
  it('outside a job there is no job to ask, whatever GPU variables are left around', () => {
    expect(readJobGpus({})).toEqual({ kind: 'not-in-job' });
    expect(readJobGpus({ SLURM_JOB_GPUS: '0,2', CUDA_VISIBLE_DEVICES: '0' })).toEqual({ kind: 'not-in-job' });
    expect(readJobGpus({ SLURM_JOB_ID: '', SLURM_JOB_GPUS: '0' })).toEqual({ kind: 'not-in-job' });
  });

  it.each([
    ['one GPU', '1', ['1']],
    ['a list as Slurm writes it', '0,2', ['0', '2']],
    ['the order given', '3,1,2', ['3', '1', '2']],
    ['a high index', '15', ['15']],
    ['spaces around the commas', ' 0 , 2 ', ['0', '2']],
    ['each once', '2,2,0', ['2', '0']],
    ['indices as the driver numbers them', '00,01', ['0', '1']],
  ])('reads SLURM_JOB_GPUS: %s', (_, value, indices) => {
    expect(readJobGpus({ ...JOB, SLURM_JOB_GPUS: value })).toEqual({
      kind: 'given',
      variable: 'SLURM_JOB_GPUS',
      indices,
    });
  });

  it("a step's own list comes before its job's, which the step inherits", () => {
    expect(readJobGpus({ ...JOB, SLURM_JOB_GPUS: '0,2', SLURM_STEP_GPUS: '2' })).toEqual({
      kind: 'given',
      variable: 'SLURM_STEP_GPUS',
      indices: ['2'],
    });
    expect(readJobGpus({ ...JOB, SLURM_STEP_GPUS: '1,3' })).toEqual({
      kind: 'given',
      variable: 'SLURM_STEP_GPUS',
      indices: ['1', '3'],
    });
    // Empty is as unset (Slurm unsets it where a step has no GPU of its own).
    expect(readJobGpus({ ...JOB, SLURM_STEP_GPUS: '', SLURM_JOB_GPUS: '0' })).toMatchObject({
      variable: 'SLURM_JOB_GPUS',
      indices: ['0'],
    });
  });

  it('CUDA_VISIBLE_DEVICES, renumbered inside the job, is never read', () => {
    expect(readJobGpus({ ...JOB, SLURM_JOB_GPUS: '2,3', CUDA_VISIBLE_DEVICES: '0,1' })).toMatchObject({
      indices: ['2', '3'],
    });
    expect(readJobGpus({ ...JOB, CUDA_VISIBLE_DEVICES: '0' })).toEqual({ kind: 'none-given', jobId: '123' });
  });

  it('a job without GPU variables was given no GPU', () => {
    expect(readJobGpus(JOB)).toEqual({ kind: 'none-given', jobId: '123' });
    expect(readJobGpus({ ...JOB, SLURM_JOB_GPUS: '' })).toEqual({ kind: 'none-given', jobId: '123' });
  });

  it.each([
    ['a range, which Slurm never writes', '0-3'],
    ['a name', 'gpu0'],
    ['a UUID', 'GPU-00000000-0000-0000-0000-000000000000'],
    ['an empty item', '0,,2'],
    ['a trailing comma', '0,'],
    ['a negative index', '-1'],
    ['a word', 'all'],
  ])('a list it cannot read is said to be unreadable, not guessed at: %s', (_, value) => {
    expect(readJobGpus({ ...JOB, SLURM_JOB_GPUS: value })).toEqual({
      kind: 'unreadable',
      variable: 'SLURM_JOB_GPUS',
      value,
    });
  });

  it("an unreadable step list does not fall back on the job's, which may hold other steps' GPUs", () => {
    expect(readJobGpus({ ...JOB, SLURM_STEP_GPUS: 'x', SLURM_JOB_GPUS: '0,1' })).toEqual({
      kind: 'unreadable',
      variable: 'SLURM_STEP_GPUS',
      value: 'x',
    });
  });
});
