import { describe, expect, it } from 'vitest';
import { GpuRule } from '../../../src/engines/nvidia-gpu.js';

describe('the GPU rule of every engine', () => {
  it('asks for no GPU on a host without one, and says so once per engine', async () => {
    let looked = 0;
    const rule = new GpuRule(async () => {
      looked += 1;
      return false;
    });
    const first = await rule.apply('apptainer', true);
    expect(first).toEqual({
      useGpu: false,
      notice: expect.stringContaining('Apptainer containers start without a GPU'),
    });
    expect(await rule.apply('apptainer', true)).toEqual({ useGpu: false });
    expect(await rule.apply('docker', true)).toMatchObject({ useGpu: false, notice: expect.any(String) });
    expect(await rule.apply('podman', false)).toEqual({ useGpu: false });
    expect(looked).toBe(2);
  });

  it('asks for the GPU on a host with one, without a notice', async () => {
    const rule = new GpuRule(async () => true);
    expect(await rule.apply('apptainer', true)).toEqual({ useGpu: true });
    expect(await rule.apply('apptainer', false)).toEqual({ useGpu: false });
  });
});
