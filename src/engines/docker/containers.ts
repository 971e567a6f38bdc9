import { ownerLabels } from '../../leftovers/container-labels.js';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { tail } from '../../shared/tail.js';
import type { ContainerInfo, EngineName, RunOptions, WorkContext } from '../container-engine.js';
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

/**
 * Every GPU: Docker takes what `--gpus all` sends; Podman's compat API ignores that and takes a
 * CDI device name instead (it needs the NVIDIA Container Toolkit's CDI spec on the host).
 */
const gpuRequest = (engine: EngineName) =>
  engine === 'podman'
    ? { Devices: [{ PathOnHost: 'nvidia.com/gpu=all', PathInContainer: '', CgroupPermissions: 'rwm' }] }
    : { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']] }] };

const createBody = (options: RunOptions, engine: EngineName) => ({
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
  Labels: ownerLabels(),
  HostConfig: {
    Init: true,
    Mounts: options.volumes.map(([source, target]) => ({ Type: 'bind', Source: source, Target: target })),
    ...(options.useGpu ? gpuRequest(engine) : {}),
  },
});

const createContainer = async (api: DockerApi, options: RunOptions, engine: EngineName): Promise<string> => {
  try {
    const created = await api.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: options.containerName },
      body: createBody(options, engine),
    });
    return created.Id;
  } catch (error) {
    // Podman answers 500 where Docker answers 409.
    if (
      isEngineHttpError(error, 409) ||
      (isEngineHttpError(error) && error.message.includes('already in use'))
    ) {
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
  api.call({ method: 'DELETE', path: path(id), query: { force: true } }).catch(() => {});

const demultiplexed = async (
  body: AsyncIterable<Buffer>,
  onFrame: (stream: 'stdout' | 'stderr', data: Buffer) => Promise<void> | undefined,
): Promise<Buffer> => {
  const demux = new Demultiplexer();
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    for (const frame of demux.push(chunk)) {
      chunks.push(frame.data);
      await onFrame(frame.stream, frame.data);
    }
  }
  return Buffer.concat(chunks);
};

/** How long a followed log may lag behind the container's exit before it is read again whole. */
const LOG_GRACE_MS = 1000;

/**
 * Echoes a running container's output as it comes and answers all of it with the exit code.
 * Podman 4 may never end a followed log of a container that exited before the request, so the
 * wait decides; the log is read again, whole, when following it did not end in time.
 */
const outputAndExit = async (api: DockerApi, id: string, context: WorkContext) => {
  const follow = new AbortController();
  const signal = AbortSignal.any([context.signal, follow.signal]);
  let exited = false;
  // A followed log that ends while the container still runs was cut (the engine closed it).
  let endedEarly = false;
  const followed = api
    .request({ path: path(id, '/logs'), query: { follow: true, stdout: true, stderr: true }, signal })
    .then((response) =>
      demultiplexed(response.body, (stream, data) => context.output(stream, data.toString('utf8'))),
    )
    .finally(() => {
      endedEarly = !exited;
    });
  followed.catch(() => {});
  const { StatusCode } = await api.json<{ StatusCode: number }>({
    method: 'POST',
    path: path(id, '/wait'),
    signal: context.signal,
  });
  exited = true;
  const timer = setTimeout(() => follow.abort(), LOG_GRACE_MS);
  let output: Buffer;
  try {
    output = await followed;
    if (endedEarly) throw new Error('the followed log ended before the container');
  } catch (error) {
    if (context.signal.aborted) throw error;
    const response = await api.request({ path: path(id, '/logs'), query: { stdout: true, stderr: true } });
    output = await demultiplexed(response.body, () => undefined);
  } finally {
    clearTimeout(timer);
  }
  return { exitCode: StatusCode, cmdout: output.toString('utf8') };
};

export const runContainer = async (
  api: DockerApi,
  engine: EngineName,
  options: RunOptions,
  context: WorkContext,
): Promise<{ cmdout?: string }> => {
  const id = await createContainer(api, options, engine);
  const onAbort = () => void removeQuietly(api, id);
  try {
    await api.call({ method: 'POST', path: path(id, '/start') });
    if (options.isDaemon) return {};
    context.signal.addEventListener('abort', onAbort, { once: true });
    const { exitCode, cmdout } = await outputAndExit(api, id, context);
    if (exitCode !== 0) {
      throw new BridgeError(
        ErrorCode.CommandFailed,
        `Container ${options.containerName} exited with code ${exitCode}${cmdout.trim() ? `: ${tail(cmdout)}` : ''}`,
        { data: { exitCode, output: cmdout } },
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
