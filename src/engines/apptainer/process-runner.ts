import { constants } from 'node:os';
import { execa } from 'execa';
import type { OutputStream } from '../../shared/work-context.js';

export interface ProcessResult {
  /** The exit code; 128+N when the process died of signal N, as a shell and Docker report it. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they were written. */
  all: string;
}

export interface ProcessOptions {
  signal?: AbortSignal;
  onOutput?: (stream: OutputStream, text: string) => unknown;
  /** How long a cancelled process may clean up after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Extra environment for the program (added to the bridge's own). */
  env?: Record<string, string>;
}

/** Runs a program with an argument list (never a shell). Tests give the Apptainer engine a fake one. */
export type ProcessRunner = (
  file: string,
  args: string[],
  options?: ProcessOptions,
) => Promise<ProcessResult>;

export const DEFAULT_GRACE_MS = 1000;

/**
 * Apptainer re-raises the signal its contained process died of (internal/app/starter/master_linux.go
 * @v1.5.3), so the program itself dies of it and has no exit code.
 */
export const exitCodeOf = (exitCode: number | undefined, signal: string | undefined): number => {
  if (exitCode !== undefined) return exitCode;
  const number = signal ? constants.signals[signal as keyof typeof constants.signals] : undefined;
  return number === undefined ? -1 : 128 + number;
};

/** Signals a process group, ignoring one that is already gone. */
const signalGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {}
};

/**
 * The program runs in a process group of its own, so a cancel reaches everything it started on
 * the host (a killed `apptainer` leaves its contained processes running otherwise): SIGTERM, then
 * SIGKILL after the grace period.
 */
export const runProcess: ProcessRunner = async (file, args, options = {}) => {
  const subprocess = execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
    ...(options.env ? { env: options.env } : {}),
  });
  const { signal } = options;
  let forceKill: NodeJS.Timeout | undefined;
  const cancel = () => {
    signalGroup(subprocess.pid, 'SIGTERM');
    forceKill = setTimeout(() => signalGroup(subprocess.pid, 'SIGKILL'), options.graceMs ?? DEFAULT_GRACE_MS);
  };
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  if (options.onOutput) {
    subprocess.stdout?.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk.toString('utf8')));
    subprocess.stderr?.on('data', (chunk: Buffer) => options.onOutput?.('stderr', chunk.toString('utf8')));
  }
  try {
    const result = await subprocess;
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      throw new Error(`${file} could not run: ${result.shortMessage}`);
    }
    return {
      exitCode: exitCodeOf(result.exitCode, result.signal),
      stdout: String(result.stdout),
      stderr: String(result.stderr),
      all: String(result.all ?? ''),
    };
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (forceKill) clearTimeout(forceKill);
    // What the program left of a cancelled run (its contained processes) goes with it.
    if (signal?.aborted) signalGroup(subprocess.pid, 'SIGKILL');
  }
};
