import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { jobGotNoGpuNotice, jobGpusUnreadableNotice, noGpuNotice } from '../shared/failures.js';
import { findExecutable } from '../shared/find-executable.js';
import type { ContainerEngine } from './container-engine.js';
import { type GpuSelection, type JobGpus, readJobGpus } from './gpu-selection.js';

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

/** What the rule needs of an engine: who it is, where, and what it reports of GPUs. */
export type GpuEngine = Pick<ContainerEngine, 'name' | 'location' | 'isRemote' | 'reportsGpu'>;

/** The GPUs to ask the engine for (none when absent), and the notice to give the user. */
export interface GpuDecision {
  gpus?: GpuSelection;
  /** Said the first time the answer is no. */
  notice?: string;
}

/**
 * The one GPU rule of every engine, decided once per engine: useGpu means "use the GPU when there
 * is one" on the engine's machine. Inside a Slurm job, a local engine is given the job's GPUs on
 * this node and no other (a shared node's other GPUs are other jobs'). Otherwise what the engine
 * reports comes first; a local engine that reports none (Docker without the NVIDIA runtime may
 * still have the toolkit's hook) or nothing (Podman, Apptainer) is this machine, looked at here; a
 * remote one is not, and gets no GPU request. Without a GPU the container starts without one, and
 * the user is told once.
 */
export class GpuRule {
  private readonly decided = new Map<string, Promise<GpuDecision>>();
  private readonly told = new Set<string>();
  private readonly job: JobGpus;

  /** `env`: the bridge's environment, where a Slurm job says which GPUs are its own. */
  constructor(
    private readonly detectHere: () => Promise<boolean> = detectNvidiaGpu,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.job = readJobGpus(env);
  }

  /** Which GPUs to ask `engine` for, and the notice to give the user (the first time only). */
  async apply(engine: GpuEngine, useGpu: boolean): Promise<GpuDecision> {
    if (!useGpu) return {};
    const key = `${engine.name} ${engine.location}`;
    let decided = this.decided.get(key);
    if (!decided) {
      decided = this.decide(engine);
      this.decided.set(key, decided);
      // An engine that could not answer is asked again at the next run.
      decided.catch(() => this.decided.delete(key));
    }
    const decision = await decided;
    if (decision.gpus || !decision.notice) return decision.gpus ? { gpus: decision.gpus } : {};
    if (this.told.has(key)) return {};
    this.told.add(key);
    return { notice: decision.notice };
  }

  private async decide(engine: GpuEngine): Promise<GpuDecision> {
    // The job's GPUs are this node's: they say nothing of another machine's.
    if (this.job.kind !== 'not-in-job' && !engine.isRemote) return this.jobDecision(engine, this.job);
    const reported = await engine.reportsGpu?.();
    if (reported) return { gpus: 'all' };
    if (engine.isRemote) {
      return {
        notice: noGpuNotice(engine.name, { location: engine.location, reported: reported === false }),
      };
    }
    if (await this.detectHere()) return { gpus: 'all' };
    return { notice: noGpuNotice(engine.name) };
  }

  /** Slurm has said which GPUs are the job's: neither the engine nor this machine is asked. */
  private jobDecision(engine: GpuEngine, job: Exclude<JobGpus, { kind: 'not-in-job' }>): GpuDecision {
    switch (job.kind) {
      case 'given':
        return { gpus: job.indices };
      case 'none-given':
        return { notice: jobGotNoGpuNotice(engine.name, job.jobId) };
      case 'unreadable':
        return { notice: jobGpusUnreadableNotice(engine.name, job.variable, job.value) };
    }
  }
}
