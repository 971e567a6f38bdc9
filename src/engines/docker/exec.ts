import { setTimeout as delay } from 'node:timers/promises';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { tail } from '../../shared/tail.js';
import type { WorkContext } from '../container-engine.js';
import { containerNotFound, inspectContainer } from './containers.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { Demultiplexer } from './multiplex.js';

/**
 * `sh -c CMD`, after printing the shell's PID on stderr: the Engine API cannot kill an exec, so
 * cancelling needs the PID to kill the process group inside the container (`exec` keeps the PID).
 * The command's stderr joins its stdout in one pipe: two pipes would lose their relative order.
 */
const wrapped = (command: string) => ['sh', '-c', 'echo "$$" >&2; exec sh -c "$1" 2>&1', 'sh', command];
const killCommand = (pid: string) => [
  'sh',
  '-c',
  'kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1"',
  'sh',
  pid,
];

const PID_WAIT_MS = 2000;

interface ExecInspect {
  Running: boolean;
  ExitCode: number | null;
}

const createExec = async (api: DockerApi, containerName: string, cmd: string[]): Promise<string> => {
  try {
    const { Id } = await api.json<{ Id: string }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(containerName)}/exec`,
      body: { AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false, Cmd: cmd },
    });
    return Id;
  } catch (error) {
    if (isEngineHttpError(error, 404)) throw containerNotFound(containerName, error.message);
    if (isEngineHttpError(error, 409)) {
      throw new BridgeError(
        ErrorCode.Conflict,
        `Container ${containerName} is not running: start it with RunContainer first.`,
        { data: { engineMessage: error.message } },
      );
    }
    throw error;
  }
};

const startExec = (api: DockerApi, execId: string, signal?: AbortSignal) =>
  api.request({ method: 'POST', path: `/exec/${execId}/start`, body: { Detach: false, Tty: false }, signal });

/**
 * How long after its output stream ended a command may still show as running: the stream ends a
 * moment before the engine records the exit code. Longer, and the stream was cut, not finished.
 */
const EXIT_RECORD_MS = 2000;

/** The exit code, or undefined when the command still runs (its output stream was cut). */
const exitCodeOf = async (api: DockerApi, execId: string): Promise<number | undefined> => {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const info = await api.json<ExecInspect>({ path: `/exec/${execId}/json` });
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (performance.now() - started > EXIT_RECORD_MS) return info.Running ? undefined : (info.ExitCode ?? -1);
    await delay(Math.min(2 ** attempt, 20));
  }
};

const killInContainer = async (api: DockerApi, containerName: string, pid: string): Promise<void> => {
  const killer = await createExec(api, containerName, killCommand(pid));
  const response = await startExec(api, killer);
  await response.body.dump();
};

export const execInContainer = async (
  api: DockerApi,
  containerName: string,
  command: string,
  context: WorkContext,
): Promise<string> => {
  const execId = await createExec(api, containerName, wrapped(command));
  const streamAbort = new AbortController();
  let pid: string | undefined;
  let killed: Promise<void> | undefined;
  // Until the PID has arrived there is nothing to kill: keep reading until it does.
  const killAndStop = () => {
    if (!pid) return;
    killed ??= killInContainer(api, containerName, pid).catch(() => {});
    streamAbort.abort();
  };
  const onAbort = () => {
    killAndStop();
    setTimeout(() => streamAbort.abort(), PID_WAIT_MS).unref();
  };
  context.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let pidLine = '';
  try {
    const response = await startExec(api, execId, streamAbort.signal);
    const demux = new Demultiplexer();
    for await (const chunk of response.body) {
      for (const frame of demux.push(chunk as Buffer)) {
        let data = frame.data;
        if (frame.stream === 'stderr' && pid === undefined) {
          const text = data.toString('latin1');
          const newline = text.indexOf('\n');
          pidLine += newline === -1 ? text : text.slice(0, newline);
          if (newline === -1) continue;
          pid = pidLine.trim();
          if (context.signal.aborted) killAndStop();
          data = data.subarray(newline + 1);
          if (data.length === 0) continue;
        }
        chunks.push(data);
        await context.output(frame.stream, data.toString('utf8'));
      }
    }
  } catch (error) {
    if (!context.signal.aborted) throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
  if (context.signal.aborted) {
    killAndStop();
    await killed;
    throw context.signal.reason ?? new Error('cancelled');
  }
  const output = Buffer.concat(chunks).toString('utf8');
  const exitCode = await exitCodeOf(api, execId);
  if (exitCode === undefined) {
    // Its output can no longer reach the caller: stop it rather than leave it running unseen.
    killAndStop();
    await killed;
    throw new BridgeError(
      ErrorCode.EngineNotAnswering,
      `The engine closed the output stream of the command in container ${containerName} while the command still ran; the command was stopped. Check that the engine is still running, then retry.`,
      { data: { output } },
    );
  }
  if (exitCode !== 0) {
    // Killed by a signal: say so when the container itself stopped (the engine going down, a stop).
    const why =
      exitCode > 128 && !(await inspectContainer(api, containerName)).isRunning
        ? `was killed (exit code ${exitCode}): container ${containerName} stopped while it ran`
        : `failed with exit code ${exitCode} in container ${containerName}`;
    throw new BridgeError(
      ErrorCode.CommandFailed,
      `Command ${why}${output.trim() ? `: ${tail(output)}` : ' (it printed nothing)'}`,
      { data: { exitCode, output } },
    );
  }
  return output;
};
