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

/** A rule whose look at this computer answers `hasGpu`, counting the looks. */
const ruleWithLocalGpu = (hasGpu: boolean) => {
  let looked = 0;
  const rule = new GpuRule(async () => {
    looked += 1;
    return hasGpu;
  });
  return { rule, looked: () => looked };
};

const REMOTE = { isRemote: true, location: 'ssh://lab@gpu-server' };

describe('the GPU rule of every engine', () => {
  it('asks for no GPU on a host without one, and says so once per engine', async () => {
    const { rule, looked } = ruleWithLocalGpu(false);
    const first = await rule.apply(apptainer, true);
    expect(first).toEqual({
      useGpu: false,
      notice: expect.stringContaining('Apptainer containers start without a GPU'),
    });
    expect(first.notice).toContain('No NVIDIA GPU was found on this computer');
    expect(await rule.apply(apptainer, true)).toEqual({ useGpu: false });
    expect(await rule.apply(engineReporting(undefined), true)).toMatchObject({
      useGpu: false,
      notice: expect.any(String),
    });
    expect(await rule.apply(engineReporting(undefined, { name: 'podman' }), false)).toEqual({
      useGpu: false,
    });
    expect(looked()).toBe(2);
  });

  it('asks for the GPU on a host with one, without a notice', async () => {
    const { rule } = ruleWithLocalGpu(true);
    expect(await rule.apply(apptainer, true)).toEqual({ useGpu: true });
    expect(await rule.apply(apptainer, false)).toEqual({ useGpu: false });
  });

  describe('what the engine reports comes before this computer', () => {
    it.each([
      ['local', {}],
      ['remote', REMOTE],
    ])('a %s engine that reports a GPU gets the request, this computer unseen', async (_, place) => {
      const { rule, looked } = ruleWithLocalGpu(false);
      const engine = engineReporting(true, place);
      expect(await rule.apply(engine, true)).toEqual({ useGpu: true });
      expect(await rule.apply(engine, true)).toEqual({ useGpu: true });
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
        expect(decision.useGpu).toBe(hasGpu);
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
      expect(first).toEqual({ useGpu: false, notice: expect.any(String) });
      expect(first.notice).toMatch(/^Docker at ssh:\/\/lab@gpu-server reports no NVIDIA GPU on its computer/);
      expect(first.notice).toContain('nvidia-ctk runtime configure');
      expect(first.notice).not.toContain('this computer');
      expect(await rule.apply(engine, true)).toEqual({ useGpu: false });
      expect(engine.asked()).toBe(1);
      expect(looked()).toBe(0);
    });

    it('a remote engine that reports nothing of GPUs gets no request, and the notice says it cannot tell', async () => {
      const { rule, looked } = ruleWithLocalGpu(true);
      const engine = engineReporting(undefined, { name: 'podman', ...REMOTE });
      const first = await rule.apply(engine, true);
      expect(first.useGpu).toBe(false);
      expect(first.notice).toMatch(
        /^Podman at ssh:\/\/lab@gpu-server does not report whether its computer has an NVIDIA GPU/,
      );
      expect(await rule.apply(engine, true)).toEqual({ useGpu: false });
      expect(looked()).toBe(0);
    });

    it('each engine, by name and place, is decided and told apart', async () => {
      const { rule } = ruleWithLocalGpu(false);
      const here = engineReporting(false);
      const there = engineReporting(false, REMOTE);
      const elsewhere = engineReporting(true, { isRemote: true, location: 'tcp://10.0.0.2:2376' });
      expect((await rule.apply(here, true)).notice).toContain('this computer');
      expect((await rule.apply(there, true)).notice).toContain('ssh://lab@gpu-server');
      expect(await rule.apply(elsewhere, true)).toEqual({ useGpu: true });
      expect(await rule.apply(here, true)).toEqual({ useGpu: false });
      expect(await rule.apply(there, true)).toEqual({ useGpu: false });
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
      expect(await rule.apply(engine, true)).toEqual({ useGpu: true });
      expect(calls).toBe(2);
    });
  });
});
