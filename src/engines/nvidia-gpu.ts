import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import type { EngineName } from '../shared/engine-names.js';
import { noGpuNotice } from '../shared/failures.js';
import { findExecutable } from '../shared/find-executable.js';

/** `nvidia-smi -L` lists one `GPU N: NAME (UUID: ...)` line per GPU. */
const listsAGpu = (nvidiaSmi: string) =>
  new Promise<boolean>((resolve) => {
    execFile(nvidiaSmi, ['-L'], { timeout: 10_000 }, (error, stdout) =>
      resolve(!error && /^GPU \d+:/m.test(stdout)),
    );
  });

/**
 * Whether this host has an NVIDIA GPU: a device file `/dev/nvidiaN`, else a GPU that
 * `nvidia-smi -L` lists. A login node often has the driver's programs and no GPU: Apptainer's
 * `--nv` then starts with a warning only (launcher_linux.go@v1.5.3), Docker's request fails.
 */
export const detectNvidiaGpu = async (env: NodeJS.ProcessEnv = process.env): Promise<boolean> => {
  const devices = await readdir('/dev').catch(() => [] as string[]);
  if (devices.some((device) => /^nvidia\d+$/.test(device))) return true;
  const nvidiaSmi = findExecutable('nvidia-smi', env);
  return nvidiaSmi ? listsAGpu(nvidiaSmi) : false;
};

/**
 * The one GPU rule of every engine, decided once per engine: useGpu means "use the GPU when there
 * is one". Without one the container starts without a GPU request, and the user is told once.
 */
export class GpuRule {
  private readonly decided = new Map<EngineName, Promise<boolean>>();
  private readonly told = new Set<EngineName>();

  constructor(private readonly detect: () => Promise<boolean> = detectNvidiaGpu) {}

  /** Whether to ask `engine` for a GPU, and the notice to give the user (the first time only). */
  async apply(engine: EngineName, useGpu: boolean): Promise<{ useGpu: boolean; notice?: string }> {
    if (!useGpu) return { useGpu };
    let decided = this.decided.get(engine);
    if (!decided) {
      decided = this.detect();
      this.decided.set(engine, decided);
    }
    if (await decided) return { useGpu: true };
    if (this.told.has(engine)) return { useGpu: false };
    this.told.add(engine);
    return { useGpu: false, notice: noGpuNotice(engine) };
  }
}
