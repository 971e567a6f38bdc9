/**
 * The GPUs a container asks its engine for: every GPU of the engine's machine, or those with
 * these indices on it (the NVIDIA driver's numbering of the node, as `nvidia-smi` shows it).
 */
export type GpuSelection = 'all' | readonly string[];

export type JobGpuVariable = 'SLURM_STEP_GPUS' | 'SLURM_JOB_GPUS';

/** What a Slurm job says of its GPUs on this node. */
export type JobGpus =
  | { kind: 'not-in-job' }
  | { kind: 'given'; variable: JobGpuVariable; indices: string[] }
  | { kind: 'none-given'; jobId: string }
  | { kind: 'unreadable'; variable: JobGpuVariable; value: string };

/** A step's own list first: a step may be given fewer GPUs than its job, whose list it inherits. */
const VARIABLES: JobGpuVariable[] = ['SLURM_STEP_GPUS', 'SLURM_JOB_GPUS'];

const indicesIn = (value: string): string[] | undefined => {
  const items = value.split(',').map((item) => item.trim());
  if (!items.every((item) => /^\d+$/.test(item))) return undefined;
  // As the driver numbers them (`01` is no CDI name), each once.
  return [...new Set(items.map((item) => String(Number(item))))];
};

/**
 * A Slurm job's GPUs on this node (`SLURM_JOB_ID` set): slurmstepd sets SLURM_JOB_GPUS for the
 * batch script and SLURM_STEP_GPUS for a step srun launches, and unsets them where none were given
 * (gres_common_gpu_set_env, src/plugins/gres/common/gres_common.c@slurm-22-05-9-1 and
 * @slurm-25-11-7-1; src/slurmd/slurmstepd/slurmstepd.c@slurm-22-05-9-1). Both hold the node's
 * indices, each written with `%d` and joined with commas, never as ranges (common_gres_set_env,
 * same file): "not relative to any device cgroup" (doc/man/man1/sbatch.1, srun.1). Not
 * CUDA_VISIBLE_DEVICES: it counts from 0 where the job's device cgroup confines it
 * (gres_use_local_device_index, src/common/gres.c@slurm-22-05-9-1), right for the job's own
 * processes (Apptainer's too) and wrong for an engine, whose containers run outside that cgroup.
 */
export const readJobGpus = (env: NodeJS.ProcessEnv): JobGpus => {
  const jobId = env.SLURM_JOB_ID;
  if (!jobId) return { kind: 'not-in-job' };
  for (const variable of VARIABLES) {
    const value = env[variable];
    if (!value) continue;
    const indices = indicesIn(value);
    return indices ? { kind: 'given', variable, indices } : { kind: 'unreadable', variable, value };
  }
  return { kind: 'none-given', jobId };
};
