import {
  commandFailed,
  containerNotFound,
  containerNotRunning,
  isConnectionCut,
  outputStreamCut,
} from '../../shared/failures.js';
import type { WorkContext } from '../../shared/work-context.js';
import { commandReportingPidAndExit, killGroupCommand } from '../exec-wrapper.js';
import { containerPath, inspectContainer } from './containers.js';
import type { EngineDialect } from './dialect.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { readExecStream } from './exec-stream.js';

/** How long a cancelled call keeps reading for the PID it needs to kill the command. */
const PID_WAIT_MS = 2000;

const createExec = async (api: DockerApi, containerName: string, cmd: string[]): Promise<string> => {
  try {
    const { Id } = await api.json<{ Id: string }>({
      method: 'POST',
      path: containerPath(containerName, '/exec'),
      body: { AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false, Cmd: cmd },
    });
    return Id;
  } catch (error) {
    if (isEngineHttpError(error, 404)) throw containerNotFound(containerName, error.message);
    if (isEngineHttpError(error, 409)) throw containerNotRunning(containerName, error.message);
    throw error;
  }
};

const startExec = (api: DockerApi, execId: string, signal?: AbortSignal) =>
  api.request({ method: 'POST', path: `/exec/${execId}/start`, body: { Detach: false, Tty: false }, signal });

/** Kills the command's process group inside the container, once its PID is known. */
class CommandKiller {
  private pid: string | undefined;
  private killed: Promise<void> | undefined;
  readonly streamAbort = new AbortController();

  constructor(
    private readonly api: DockerApi,
    private readonly containerName: string,
  ) {}

  pidArrived(pid: string, cancelled: boolean): void {
    this.pid = pid;
    if (cancelled) this.kill();
  }

  /** Until the PID has arrived there is nothing to kill: the stream is read on until it does. */
  kill(): void {
    if (!this.pid) return;
    this.killed ??= this.run(this.pid).catch(() => {});
    this.streamAbort.abort();
  }

  async killAndWait(): Promise<void> {
    this.kill();
    await this.killed;
  }

  private async run(pid: string): Promise<void> {
    const killer = await createExec(this.api, this.containerName, killGroupCommand(pid));
    await (await startExec(this.api, killer)).body.dump();
  }
}

interface CommandEnd {
  output: Buffer;
  /** As the wrapper reported it; undefined when the stream ended without its report. */
  exitCode?: number;
  /** The error that ended the output stream early (the engine, or the way to it, closed it). */
  cut?: unknown;
}

/** Runs the command and reads its output; a cancel kills it in the container. */
const runCommand = async (
  api: DockerApi,
  execId: string,
  killer: CommandKiller,
  context: WorkContext,
): Promise<CommandEnd> => {
  const onAbort = () => {
    killer.kill();
    setTimeout(() => killer.streamAbort.abort(), PID_WAIT_MS).unref();
  };
  context.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  try {
    const response = await startExec(api, execId, killer.streamAbort.signal);
    const exitCode = await readExecStream(response.body, {
      onPid: (pid) => killer.pidArrived(pid, context.signal.aborted),
      onOutput: (stream, data) => {
        chunks.push(data);
        return context.output(stream, data.toString('utf8'));
      },
    });
    return { output: Buffer.concat(chunks), ...(exitCode === undefined ? {} : { exitCode }) };
  } catch (error) {
    if (context.signal.aborted || isConnectionCut(error))
      return { output: Buffer.concat(chunks), cut: error };
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
};

/**
 * The stream ended without the wrapper's exit report: the wrapper was killed (its container
 * stopped under it), or the stream was closed while the command still runs, which is then
 * stopped: its output could no longer reach the caller.
 */
const unreportedEnd = async (
  api: DockerApi,
  dialect: EngineDialect,
  execId: string,
  killer: CommandKiller,
  containerName: string,
  end: CommandEnd,
): Promise<never> => {
  const exec = await api.json<{ Running: boolean; ExitCode: number | null }>({
    path: `/exec/${execId}/json`,
  });
  const container = await inspectContainer(api, containerName);
  if (!container.isRunning || !exec.Running) {
    if (end.cut && container.isRunning) throw end.cut;
    throw commandFailed(
      containerName,
      exec.ExitCode ?? -1,
      end.output.toString('utf8'),
      !container.isRunning,
    );
  }
  await killer.killAndWait();
  const cause = end.cut === undefined ? undefined : await api.explain(end.cut);
  throw outputStreamCut(dialect.engine, api.endpoint.description, containerName, cause);
};

export const execInContainer = async (
  api: DockerApi,
  dialect: EngineDialect,
  containerName: string,
  command: string,
  context: WorkContext,
): Promise<string> => {
  const execId = await createExec(api, containerName, commandReportingPidAndExit(command));
  const killer = new CommandKiller(api, containerName);
  const end = await runCommand(api, execId, killer, context);
  if (context.signal.aborted) {
    await killer.killAndWait();
    throw context.signal.reason ?? new Error('cancelled');
  }
  if (end.exitCode === undefined) return unreportedEnd(api, dialect, execId, killer, containerName, end);
  const output = end.output.toString('utf8');
  if (end.exitCode !== 0) throw commandFailed(containerName, end.exitCode, output);
  return output;
};
