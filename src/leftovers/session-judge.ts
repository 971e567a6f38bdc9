import { execFile } from 'node:child_process';
import { type SessionState, sessionState } from './session.js';
import {
  type CommandAnswer,
  clusterNameFrom,
  type JobState,
  jobStateFrom,
  type SlurmJob,
  slurmJobOf,
  squeueArgs,
} from './slurm-job.js';

/** A controller that does not answer keeps Prune waiting this long at most, per command. */
export const SLURM_COMMAND_TIMEOUT_MS = 10_000;

export type SlurmCommand = (
  program: 'squeue' | 'scontrol',
  args: string[],
) => Promise<CommandAnswer | undefined>;

/** Runs a Slurm client command from the PATH: undefined when it could not run or was stopped by the timeout. */
export const runSlurmCommand: SlurmCommand = (program, args) =>
  new Promise((resolve) => {
    execFile(
      program,
      args,
      { timeout: SLURM_COMMAND_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr });
        // A number is the exit code; a string (ENOENT, EACCES) or a signal means it never answered.
        resolve(typeof error.code === 'number' ? { exitCode: error.code, stdout, stderr } : undefined);
      },
    );
  });

/**
 * Tells, for one Prune, whether the bridge that left something still runs. The process check
 * answers for this host's sessions; a session of a Slurm job on another host (an engine or a
 * SIF store several nodes share) is judged by its job: over when squeue no longer knows it or
 * reports it ended, alive while it runs, unknown when squeue fails. squeue runs once per job.
 */
export class SessionJudge {
  private readonly jobs = new Map<string, Promise<JobState>>();
  private localCluster: Promise<string | undefined> | undefined;

  constructor(
    private readonly slurm: SlurmCommand = runSlurmCommand,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async state(session: string | undefined, job: SlurmJob | undefined): Promise<SessionState> {
    const here = sessionState(session);
    if (here !== 'unknown' || !job) return here;
    const state = await this.jobState(job);
    return state === 'over' ? 'dead' : state === 'running' ? 'alive' : 'unknown';
  }

  private async jobState(job: SlurmJob): Promise<JobState> {
    // Both at once: a controller that does not answer costs one timeout, not two.
    const [cluster, state] = await Promise.all([
      job.cluster ? this.cluster() : undefined,
      this.squeue(job.id),
    ]);
    // squeue answers for its own cluster only: another cluster's job id names another job.
    return job.cluster && job.cluster !== cluster ? 'unknown' : state;
  }

  private squeue(id: string): Promise<JobState> {
    let state = this.jobs.get(id);
    if (!state) {
      state = this.slurm('squeue', squeueArgs(id)).then((answer) => jobStateFrom(id, answer));
      this.jobs.set(id, state);
    }
    return state;
  }

  /** The cluster squeue asks: the one this process runs in, else the controller's ClusterName. */
  private cluster(): Promise<string | undefined> {
    this.localCluster ??= Promise.resolve(slurmJobOf(this.env)?.cluster).then(
      async (inJob) => inJob ?? clusterNameFrom(await this.slurm('scontrol', ['show', 'config'])),
    );
    return this.localCluster;
  }
}
