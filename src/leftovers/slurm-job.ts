/**
 * The Slurm job a bridge runs in: its id (`SLURM_JOB_ID`, the numeric id of each array task too)
 * and cluster (`SLURM_CLUSTER_NAME`: two clusters may give one job id to two jobs).
 */
export interface SlurmJob {
  id: string;
  cluster?: string;
}

/** What `squeue` tells of a job: still there, over (its processes are gone), or not known. */
export type JobState = 'running' | 'over' | 'unknown';

/** A job id as Slurm gives it: digits only, so that it is safe as a label value and an argument. */
const isJobId = (value: string | undefined): value is string => value !== undefined && /^\d+$/.test(value);

/** Slurm's cluster names are letters, digits, `_` and `-`; anything else is not trusted as one. */
const isClusterName = (value: string | undefined): value is string =>
  value !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(value);

/** The job this environment belongs to, or undefined outside a job (or with an id Slurm never gives). */
export const slurmJobOf = (env: NodeJS.ProcessEnv): SlurmJob | undefined => {
  if (!isJobId(env.SLURM_JOB_ID)) return undefined;
  return isClusterName(env.SLURM_CLUSTER_NAME)
    ? { id: env.SLURM_JOB_ID, cluster: env.SLURM_CLUSTER_NAME }
    : { id: env.SLURM_JOB_ID };
};

/** The bridge's own job. */
export const currentSlurmJob = (): SlurmJob | undefined => slurmJobOf(process.env);

/** A job as a label or a record keeps it, read back: anything malformed is no job at all. */
export const readSlurmJob = (id: unknown, cluster: unknown): SlurmJob | undefined => {
  if (typeof id !== 'string' || !isJobId(id)) return undefined;
  return typeof cluster === 'string' && isClusterName(cluster) ? { id, cluster } : { id };
};

/**
 * States (squeue(1), JOB STATE CODES) in which the job's processes have ended: Slurm killed or
 * reaped them all, the bridges among them. COMPLETING is not: Slurm is still ending them, and a
 * bridge may be removing its containers. A requeued job runs again under its id (PENDING).
 */
const OVER = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'SPECIAL_EXIT',
  'TIMEOUT',
]);
const RUNNING = new Set([
  'COMPLETING',
  'CONFIGURING',
  'PENDING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'RUNNING',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED',
  'SUSPENDED',
]);

/** squeue's words when the controller no longer knows the job (slurm_strerror of ESLURM_INVALID_JOB_ID). */
const UNKNOWN_JOB = /Invalid job id specified/i;

/** How a Slurm command ended, or undefined when it could not run (not installed, timed out). */
export interface CommandAnswer {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** squeue's argv for one job: `%A` is each line's own job id, `%T` its state in words. */
export const squeueArgs = (id: string): string[] => ['-h', '-t', 'all', '-j', id, '-o', '%A %T'];

/**
 * The job's state from squeue's answer. A job the controller no longer knows (purged MinJobAge
 * after it ended) is over; squeue that failed otherwise (controller down, timed out, not
 * installed) tells nothing, and neither does a state this list lacks.
 */
export const jobStateFrom = (id: string, answer: CommandAnswer | undefined): JobState => {
  if (!answer) return 'unknown';
  if (answer.exitCode !== 0) return UNKNOWN_JOB.test(answer.stderr) ? 'over' : 'unknown';
  // An array's id is also one of its tasks' (the last one's): squeue then lists every task.
  const own = answer.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([jobId]) => jobId === id);
  if (own.length !== 1) return 'unknown';
  const state = own[0]?.[1] ?? '';
  if (OVER.has(state)) return 'over';
  return RUNNING.has(state) ? 'running' : 'unknown';
};

/** ClusterName from `scontrol show config` (`ClusterName             = NAME`). */
export const clusterNameFrom = (answer: CommandAnswer | undefined): string | undefined => {
  if (answer?.exitCode !== 0) return undefined;
  const name = /^ClusterName\s*=\s*(\S+)\s*$/m.exec(answer.stdout)?.[1];
  return isClusterName(name) ? name : undefined;
};
