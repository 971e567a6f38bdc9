import { containerExited, engineRefused, gpusRefused } from '../../shared/failures.js';
import type { WorkContext } from '../../shared/work-context.js';
import type { ContainerSpec } from '../container-engine.js';
import type { CallerIds } from './bind-owner.js';
import { outputAndExit } from './container-output.js';
import { containerPath, removeQuietly } from './containers.js';
import { createContainer } from './create-container.js';
import type { EngineDialect } from './dialect.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';

const startContainer = async (api: DockerApi, dialect: EngineDialect, id: string, spec: ContainerSpec) => {
  try {
    await api.call({ method: 'POST', path: containerPath(id, '/start') });
  } catch (error) {
    if (!isEngineHttpError(error)) throw error;
    const what = `Could not start container ${spec.containerName}`;
    if (spec.gpus && dialect.isGpuRefusal(error.message))
      throw gpusRefused(dialect.engine, what, spec.gpus, error.message, error.statusCode);
    throw engineRefused(what, error.message, { statusCode: error.statusCode });
  }
};

/** A daemon stays for ExecInContainer; one that could not start is not left behind. */
const startDaemon = async (api: DockerApi, dialect: EngineDialect, id: string, spec: ContainerSpec) => {
  try {
    await startContainer(api, dialect, id, spec);
  } catch (error) {
    await removeQuietly(api, id);
    throw error;
  }
  return {};
};

/**
 * Runs the entrypoint to its end and answers its output. The container is removed whatever
 * happens: at once on cancel (which also ends the wait), otherwise once its output is read.
 */
const runToEnd = async (
  api: DockerApi,
  dialect: EngineDialect,
  id: string,
  spec: ContainerSpec,
  context: WorkContext,
) => {
  const removeNow = () => void removeQuietly(api, id);
  context.signal.addEventListener('abort', removeNow, { once: true });
  try {
    await startContainer(api, dialect, id, spec);
    const { exitCode, cmdout } = await outputAndExit(api, id, context);
    if (exitCode !== 0) throw containerExited(spec.containerName, exitCode, cmdout);
    return { cmdout };
  } finally {
    context.signal.removeEventListener('abort', removeNow);
    await removeQuietly(api, id);
  }
};

export const runContainer = async (
  api: DockerApi,
  dialect: EngineDialect,
  spec: ContainerSpec,
  context: WorkContext,
  caller?: CallerIds,
  remoteLocation?: string,
): Promise<{ cmdout?: string }> => {
  const id = await createContainer(api, dialect, spec, caller, remoteLocation);
  return spec.isDaemon ? startDaemon(api, dialect, id, spec) : runToEnd(api, dialect, id, spec, context);
};
