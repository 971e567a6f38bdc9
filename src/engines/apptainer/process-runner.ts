import { execa } from 'execa';
import type { OutputStream } from '../../shared/work-context.js';

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  /** stdout and stderr interleaved as they were written. */
  all: string;
}

export interface ProcessOptions {
  signal?: AbortSignal;
  onOutput?: (stream: OutputStream, text: string) => unknown;
}

/** Runs a program with an argument list (never a shell). Tests give the Apptainer engine a fake one. */
export type ProcessRunner = (
  file: string,
  args: string[],
  options?: ProcessOptions,
) => Promise<ProcessResult>;

const KILL_GRACE_MS = 1000;

export const runProcess: ProcessRunner = async (file, args, options = {}) => {
  const subprocess = execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    forceKillAfterDelay: KILL_GRACE_MS,
  });
  if (options.onOutput) {
    subprocess.stdout?.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk.toString('utf8')));
    subprocess.stderr?.on('data', (chunk: Buffer) => options.onOutput?.('stderr', chunk.toString('utf8')));
  }
  const result = await subprocess;
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
  if (result.failed && result.exitCode === undefined) {
    throw new Error(`${file} could not run: ${result.shortMessage}`);
  }
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), all: String(result.all ?? '') };
};
