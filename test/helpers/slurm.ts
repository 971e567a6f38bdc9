import { readdirSync, readFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { GIVE_UP_MS } from './margins.js';
import { asUserCommand, type Command, callerTempDir, repoRoot } from './paths.js';
import { isRunning } from './processes.js';
import { waitUntil } from './wait-until.js';

/**
 * The tests' one-node Slurm cluster (scripts/slurm.sh): munged, slurmctld and slurmd of their
 * own, one node (this host) in the partition `debug`, KillWait 5 s. Its commands find it through
 * SLURM_CONF, given to every command here, never set in this process.
 */
export const SLURM_CONF = '/var/lib/bst-containers-test/slurm/slurm.conf';
/** What scancel's SIGTERM is followed by SIGKILL after (KillWait in the cluster's slurm.conf). */
export const KILL_WAIT_MS = 5000;
const SLURM_SCRIPT = `${repoRoot}scripts/slurm.sh`;

export const startSlurm = () => execa('bash', [SLURM_SCRIPT, 'start'], { stdio: 'inherit' });
export const stopSlurm = () => execa('bash', [SLURM_SCRIPT, 'stop'], { stdio: 'inherit' });
/** Up, with the configuration scripts/slurm.sh writes. */
export const slurmAnswers = async () =>
  (await execa('bash', [SLURM_SCRIPT, 'status'], { stdio: 'ignore', reject: false })).exitCode === 0;

/** A Slurm command as root, to look at the cluster from outside (squeue, scontrol). */
const asRoot = (command: string, args: string[]) =>
  execa(command, args, { env: { ...process.env, SLURM_CONF }, reject: false });

const run = async ({ file, args, env, cwd }: Command) => {
  const result = await execa(file, args, { env, extendEnv: false, cwd, reject: false });
  if (result.exitCode !== 0)
    throw new Error(`${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout.trim();
};

/**
 * A program run through `srun -N1 --quiet` as the test user, in its home, with a login's
 * environment and `env` (srun hands that environment to the step): its stdin, stdout and stderr
 * are the step's. `options` go to srun (`--job-name`, `--kill-on-bad-exit`...).
 */
export const srunCommand = (
  argv: readonly string[],
  { env = {}, options = [] }: { env?: NodeJS.ProcessEnv; options?: string[] } = {},
): Command => asUserCommand(['srun', '-N1', '--quiet', ...options, ...argv], { ...env, SLURM_CONF });

/**
 * Submits `script` (its whole text, `#!` line first) as the test user, with `args` as its
 * arguments; `options` go to sbatch (its output goes nowhere unless they say where). Answers the
 * job's id.
 */
export const sbatch = async (
  script: string,
  options: string[] = [],
  args: string[] = [],
): Promise<string> => {
  const folder = await callerTempDir('bst-sbatch-');
  try {
    const file = join(folder, 'job.sh');
    await writeFile(file, script);
    await chmod(file, 0o755);
    const submit = ['sbatch', '--parsable', '--output=/dev/null', ...options, file, ...args];
    // `--parsable` answers `id` or `id;cluster`; sbatch has read the script by then.
    return (await run(asUserCommand(submit, { SLURM_CONF }))).split(';')[0] as string;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
};

/** Cancels a job as the test user would: SIGTERM to its processes, SIGKILL after KillWait. */
export const scancel = async (jobId: string, options: string[] = []): Promise<void> => {
  await run(asUserCommand(['scancel', ...options, jobId], { SLURM_CONF }));
};

/** The job's state (PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED...), or undefined once Slurm forgot it. */
export const jobState = async (jobId: string): Promise<string | undefined> => {
  const { exitCode, stdout } = await asRoot('scontrol', ['show', 'job', '--oneliner', jobId]);
  return exitCode === 0 ? /\bJobState=(\S+)/.exec(stdout)?.[1] : undefined;
};

export const waitForJobState = async (
  jobId: string,
  states: readonly string[],
  timeoutMs = GIVE_UP_MS,
): Promise<string> =>
  waitUntil(
    async () => {
      const state = await jobState(jobId);
      return state !== undefined && states.includes(state) ? state : undefined;
    },
    { timeoutMs, what: `job ${jobId} to be ${states.join(' or ')}` },
  );

/** The ids of the jobs squeue lists (pending, running or completing) under `name`. */
export const jobIdsNamed = async (name: string): Promise<string[]> => {
  const { stdout } = await asRoot('squeue', ['--noheader', '--name', name, '--format', '%A']);
  return stdout.split('\n').filter(Boolean);
};

/** The job's steps squeue still lists (`5.0`, `5.batch`...); none once the job is gone. */
export const stepsOf = async (jobId: string): Promise<string[]> => {
  const { exitCode, stdout } = await asRoot('squeue', [
    '--noheader',
    '--steps',
    '--jobs',
    jobId,
    '--format',
    '%i',
  ]);
  return exitCode === 0 ? stdout.split('\n').filter(Boolean) : [];
};

/** Whether `scontrol show step` still knows the step. */
export const stepKnown = async (stepId: string): Promise<boolean> => {
  const { exitCode, stdout } = await asRoot('scontrol', ['show', 'step', stepId]);
  return exitCode === 0 && stdout.includes(`StepId=${stepId}`);
};

/** The running processes of a job on this node: its tasks carry SLURM_JOB_ID in their environment. */
export const processesOfJob = (jobId: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SLURM_JOB_ID=${jobId}`);
      } catch {
        return false; // Gone, or a kernel thread.
      }
    })
    .filter(isRunning);
