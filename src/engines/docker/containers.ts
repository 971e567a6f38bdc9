import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import type { ContainerInfo, RunOptions, WorkContext } from '../container-engine.js';
import { OWNER_LABEL, OWNER_VALUE } from '../owner-label.js';
import { type ContainerInspect, toContainerInfo } from './container-info.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';
import { Demultiplexer } from './multiplex.js';

const path = (name: string, action = '') => `/containers/${encodeURIComponent(name)}${action}`;

export const containerNotFound = (name: string, engineMessage: string) =>
  new BridgeError(ErrorCode.ContainerNotFound, `No container named ${name} exists.`, {
    data: { engineMessage },
  });

const rethrowMissing = (name: string) => (error: unknown) => {
  if (isEngineHttpError(error, 404)) throw containerNotFound(name, error.message);
  throw error;
};

export const inspectContainer = async (api: DockerApi, name: string): Promise<ContainerInfo> =>
  toContainerInfo(
    await api.json<ContainerInspect>({ path: path(name, '/json') }).catch(rethrowMissing(name)),
  );

const createBody = (options: RunOptions) => ({
  Image: options.image,
  // A daemon waits for ExecInContainer without running the image's ENTRYPOINT. The init process
  // (docker-init, catatonit) makes `sleep` answer SIGTERM, so a graceful stop is immediate.
  ...(options.isDaemon
    ? { Entrypoint: ['sleep'], Cmd: ['infinity'] }
    : options.containerArgs.length > 0
      ? { Cmd: options.containerArgs }
      : {}),
  AttachStdout: !options.isDaemon,
  AttachStderr: !options.isDaemon,
  Labels: { [OWNER_LABEL]: OWNER_VALUE },
  HostConfig: {
    Init: true,
    Mounts: options.volumes.map(([source, target]) => ({ Type: 'bind', Source: source, Target: target })),
    ...(options.useGpu ? { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']] }] } : {}),
  },
});

const createContainer = async (api: DockerApi, options: RunOptions): Promise<string> => {
  try {
    const created = await api.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: options.containerName },
      body: createBody(options),
    });
    return created.Id;
  } catch (error) {
    if (isEngineHttpError(error, 409)) {
      throw new BridgeError(
        ErrorCode.Conflict,
        `A container named ${options.containerName} already exists: remove it first with StopContainer('${options.containerName}', 1).`,
        { data: { engineMessage: error.message } },
      );
    }
    if (isEngineHttpError(error, 404)) {
      throw new BridgeError(ErrorCode.ImageNotFound, `Image ${options.image} was not found in the engine.`, {
        data: { engineMessage: error.message },
      });
    }
    if (isEngineHttpError(error)) {
      throw new BridgeError(
        ErrorCode.EngineFailed,
        `Could not create container ${options.containerName}: ${error.message}`,
        {
          data: { engineMessage: error.message },
        },
      );
    }
    throw error;
  }
};

const removeQuietly = (api: DockerApi, id: string) =>
  api.call({ method: 'DELETE', path: path(id), query: { force: 1 } }).catch(() => {});

/** Collects a finished (or finishing) container's output, echoing it as it comes. */
const followOutput = async (api: DockerApi, id: string, context: WorkContext): Promise<string> => {
  const response = await api.request({
    path: path(id, '/logs'),
    query: { follow: 1, stdout: 1, stderr: 1 },
    signal: context.signal,
  });
  const demux = new Demultiplexer();
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) {
    for (const frame of demux.push(chunk as Buffer)) {
      chunks.push(frame.data);
      context.output(frame.stream, frame.data.toString('utf8'));
    }
  }
  return Buffer.concat(chunks).toString('utf8');
};

export const runContainer = async (
  api: DockerApi,
  options: RunOptions,
  context: WorkContext,
): Promise<{ cmdout?: string }> => {
  const id = await createContainer(api, options);
  const onAbort = () => void removeQuietly(api, id);
  try {
    await api.call({ method: 'POST', path: path(id, '/start') });
    if (options.isDaemon) return {};
    context.signal.addEventListener('abort', onAbort, { once: true });
    const cmdout = await followOutput(api, id, context);
    const { StatusCode } = await api.json<{ StatusCode: number }>({
      method: 'POST',
      path: path(id, '/wait'),
    });
    if (StatusCode !== 0) {
      throw new BridgeError(
        ErrorCode.CommandFailed,
        `Container ${options.containerName} exited with code ${StatusCode}${cmdout.trim() ? `: ${tail(cmdout)}` : ''}`,
        { data: { exitCode: StatusCode, output: cmdout } },
      );
    }
    return { cmdout };
  } catch (error) {
    if (isEngineHttpError(error)) {
      await removeQuietly(api, id);
      throw new BridgeError(
        ErrorCode.EngineFailed,
        `Could not start container ${options.containerName}: ${error.message}`,
        {
          data: { engineMessage: error.message },
        },
      );
    }
    if (options.isDaemon || context.signal.aborted) await removeQuietly(api, id);
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    if (!options.isDaemon) await removeQuietly(api, id);
  }
};

export const tail = (text: string, maxLength = 2000): string => {
  const trimmed = text.trim();
  return trimmed.length <= maxLength ? trimmed : `...${trimmed.slice(-maxLength)}`;
};

export const stopContainer = async (api: DockerApi, name: string, isForced: boolean): Promise<void> => {
  if (!isForced) {
    await api
      .call({ method: 'POST', path: path(name, '/stop'), query: { t: 10 } })
      .catch(rethrowMissing(name));
  }
  await api
    .call({ method: 'DELETE', path: path(name), query: { force: isForced } })
    .catch(rethrowMissing(name));
};
