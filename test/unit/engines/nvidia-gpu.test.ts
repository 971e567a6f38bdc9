import { describe, expect, it } from 'vitest';
import { type GpuEngine, GpuRule } from '../../../src/engines/nvidia-gpu.js';

const apptainer: GpuEngine = { name: 'apptainer', location: '/usr/bin/apptainer', isRemote: false };

/** An engine whose report is `report` (a method absent when `'absent'`), counting the questions. */
const engineReporting = (
  report: boolean | undefined | 'absent',
  place: Partial<GpuEngine> = {},
): GpuEngine & { asked: () => number } => {
  let asked = 0;
  return {
    name: 'docker',
    location: 'unix:///var/run/docker.sock',
    isRemote: false,
    ...place,
    ...(report === 'absent'
      ? {}
      : {
          reportsGpu: async () => {
            asked += 1;
            return report;
          },
        }),
    asked: () => asked,
  };
};

/** A rule whose look at this computer answers `hasGpu`, counting the looks; `env`: the bridge's (no Slurm job). */
const ruleWithLocalGpu = (hasGpu: boolean, env: NodeJS.ProcessEnv = {}) => {
  let looked = 0;
  const rule = new GpuRule(async () => {
    looked += 1;
    return hasGpu;
  }, env);
  return { rule, looked: () => looked };
};

const REMOTE = { isRemote: true, location: 'ssh://lab@gpu-server' };

describe('the GPU rule of every engine', () => {
  it('asks for no GPU on a host without one, and says so once per engine', async () => {
    const { rule, looked } = ruleWithLocalGpu(false);
    const first = await rule.apply(apptainer, true);
    expect(first).toEqual({
      notice: expect.stringContaining('Apptainer containers start without a GPU'),
    });
    expect(first.notice).toContain('No NVIDIA GPU was found on this computer');
    expect(await rule.apply(apptainer, true)).toEqual({});
    expect(await rule.apply(engineReporting(undefined), true)).toEqual({ notice: expect.any(String) });
    expect(await rule.apply(engineReporting(undefined, { name: 'podman' }), false)).toEqual({});
    expect(looked()).toBe(2);
  });

  it('asks for the GPU on a host with one, without a notice', async () => {
    const { rule } = ruleWithLocalGpu(true);
    expect(await rule.apply(apptainer, true)).toEqual({ gpus: 'all' });
    expect(await rule.apply(apptainer, false)).toEqual({});
  });

  describe('what the engine reports comes before this computer', () => {
    it.each([
      ['local', {}],
      ['remote', REMOTE],
    ])('a %s engine that reports a GPU gets the request, this computer unseen', async (_, place) => {
      const { rule, looked } = ruleWithLocalGpu(false);
      const engine = engineReporting(true, place);
      expect(await rule.apply(engine, true)).toEqual({ gpus: 'all' });
      expect(await rule.apply(engine, true)).toEqual({ gpus: 'all' });
      expect(engine.asked()).toBe(1);
      expect(looked()).toBe(0);
    });

    it.each([
      ['reports none (Docker without the NVIDIA runtime: its hook may still serve --gpus)', false],
      ['reports nothing of GPUs (Podman)', undefined],
      ['cannot be asked (Apptainer)', 'absent'],
    ] as const)('a local engine that %s is this computer: it is looked at', async (_, report) => {
      for (const hasGpu of [true, false]) {
        const { rule, looked } = ruleWithLocalGpu(hasGpu);
        const decision = await rule.apply(engineReporting(report), true);
        expect(decision.gpus).toBe(hasGpu ? 'all' : undefined);
        expect(decision.notice).toEqual(
          hasGpu ? undefined : expect.stringContaining('No NVIDIA GPU was found on this computer'),
        );
        expect(looked()).toBe(1);
      }
    });

    it('a remote engine that reports none gets no request whatever this computer has, and the notice names its machine once', async () => {
      const { rule, looked } = ruleWithLocalGpu(true);
      const engine = engineReporting(false, REMOTE);
      const first = await rule.apply(engine, true);
      expect(first).toEqual({ notice: expect.any(String) });
      expect(first.notice).toMatch(/^Docker at ssh:\/\/lab@gpu-server reports no NVIDIA GPU on its computer/);
      expect(first.notice).toContain('nvidia-ctk runtime configure');
      expect(first.notice).not.toContain('this computer');
      expect(await rule.apply(engine, true)).toEqual({});
      expect(engine.asked()).toBe(1);
      expect(looked()).toBe(0);
    });

    it('a remote engine that reports nothing of GPUs gets no request, and the notice says it cannot tell', async () => {
      const { rule, looked } = ruleWithLocalGpu(true);
      const engine = engineReporting(undefined, { name: 'podman', ...REMOTE });
      const first = await rule.apply(engine, true);
      expect(first.gpus).toBeUndefined();
      expect(first.notice).toMatch(
        /^Podman at ssh:\/\/lab@gpu-server does not report whether its computer has an NVIDIA GPU/,
      );
      expect(await rule.apply(engine, true)).toEqual({});
      expect(looked()).toBe(0);
    });

    it('each engine, by name and place, is decided and told apart', async () => {
      const { rule } = ruleWithLocalGpu(false);
      const here = engineReporting(false);
      const there = engineReporting(false, REMOTE);
      const elsewhere = engineReporting(true, { isRemote: true, location: 'tcp://10.0.0.2:2376' });
      expect((await rule.apply(here, true)).notice).toContain('this computer');
      expect((await rule.apply(there, true)).notice).toContain('ssh://lab@gpu-server');
      expect(await rule.apply(elsewhere, true)).toEqual({ gpus: 'all' });
      expect(await rule.apply(here, true)).toEqual({});
      expect(await rule.apply(there, true)).toEqual({});
    });

    it('an engine that could not answer is asked again at the next run', async () => {
      const { rule } = ruleWithLocalGpu(false);
      let calls = 0;
      const engine: GpuEngine = {
        ...REMOTE,
        name: 'docker',
        reportsGpu: async () => {
          calls += 1;
          if (calls === 1) throw new Error('Docker is not answering');
          return true;
        },
      };
      await expect(rule.apply(engine, true)).rejects.toThrow('not answering');
      expect(await rule.apply(engine, true)).toEqual({ gpus: 'all' });
      expect(calls).toBe(2);
    });
  });
});

describe('inside a Slurm job (SLURM_JOB_ID set)', () => {
  const JOB = { SLURM_JOB_ID: '123' };

  it.each([
    ['Docker', engineReporting(false)],
    ['Podman', engineReporting(undefined, { name: 'podman' })],
    ['Apptainer', engineReporting('absent', apptainer)],
  ])("%s on this node is given the job's GPUs, neither the engine nor this node asked", async (_, engine) => {
    const { rule, looked } = ruleWithLocalGpu(false, { ...JOB, SLURM_JOB_GPUS: '0,2' });
    expect(await rule.apply(engine, true)).toEqual({ gpus: ['0', '2'] });
    expect(await rule.apply(engine, true)).toEqual({ gpus: ['0', '2'] });
    expect(await rule.apply(engine, false)).toEqual({});
    expect(looked()).toBe(0);
    expect(engine.asked()).toBe(0);
  });

  it("a step is given the step's GPUs, not the job's", async () => {
    const { rule } = ruleWithLocalGpu(true, { ...JOB, SLURM_JOB_GPUS: '0,1,2,3', SLURM_STEP_GPUS: '3' });
    expect(await rule.apply(engineReporting(true), true)).toEqual({ gpus: ['3'] });
  });

  it('a job given no GPU gets no request, even on a node with GPUs, and is told once per engine why and what to ask Slurm for', async () => {
    const { rule, looked } = ruleWithLocalGpu(true, { ...JOB, CUDA_VISIBLE_DEVICES: '0' });
    const docker = engineReporting(true);
    const first = await rule.apply(docker, true);
    expect(first).toEqual({
      notice:
        "Slurm job 123 was given no GPU on this node (neither SLURM_STEP_GPUS nor SLURM_JOB_GPUS is set): Docker containers start without a GPU rather than take other jobs' GPUs. Ask for one in the job (`#SBATCH --gres=gpu:1` or `--gpus=1`).",
    });
    expect(await rule.apply(docker, true)).toEqual({});
    expect((await rule.apply(apptainer, true)).notice).toMatch(/^Slurm job 123 .*Apptainer containers start/);
    expect(await rule.apply(apptainer, true)).toEqual({});
    expect(docker.asked()).toBe(0);
    expect(looked()).toBe(0);
  });

  it('a GPU list it cannot read gets no request, and the notice names the variable and its value', async () => {
    const { rule } = ruleWithLocalGpu(true, { ...JOB, SLURM_JOB_GPUS: '0-1' });
    const podman = engineReporting(undefined, { name: 'podman' });
    expect(await rule.apply(podman, true)).toEqual({
      notice:
        "SLURM_JOB_GPUS=0-1 is not a list of GPU indices as Slurm writes it (such as 0,2): Podman containers start without a GPU rather than take GPUs that may not be this job's. Leave SLURM_JOB_GPUS as Slurm set it.",
    });
    expect(await rule.apply(podman, true)).toEqual({});
  });

  it("a remote engine is not this node: the job's GPUs say nothing of it, and its own rule holds", async () => {
    const { rule, looked } = ruleWithLocalGpu(true, { ...JOB, SLURM_JOB_GPUS: '0,2' });
    expect(await rule.apply(engineReporting(true, REMOTE), true)).toEqual({ gpus: 'all' });
    const silent = engineReporting(undefined, { name: 'podman', ...REMOTE });
    expect((await rule.apply(silent, true)).notice).toMatch(
      /^Podman at ssh:\/\/lab@gpu-server does not report/,
    );
    expect(looked()).toBe(0);
  });
});
