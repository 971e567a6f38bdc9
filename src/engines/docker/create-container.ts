import { ownerLabels } from '../../leftovers/container-labels.js';
import { imageSpecText } from '../../registry/image-spec.js';
import {
  engineRefused,
  gpusRefused,
  imageNotFound,
  nameInUse,
  remoteFolderMissing,
} from '../../shared/failures.js';
import type { ContainerSpec } from '../container-engine.js';
import { type CallerIds, callerUserConfig } from './bind-owner.js';
import type { EngineDialect } from './dialect.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';

const createBody = (spec: ContainerSpec, dialect: EngineDialect, caller: CallerIds | undefined) => {
  const asCaller = caller ? callerUserConfig(caller) : undefined;
  return {
    Image: imageSpecText(spec.image),
    ...(asCaller ? { User: asCaller.User, Env: asCaller.Env } : {}),
    // A daemon waits for ExecInContainer without running the image's ENTRYPOINT. The init process
    // (docker-init, catatonit) makes `sleep` answer SIGTERM, so a graceful stop is immediate.
    ...(spec.isDaemon
      ? { Entrypoint: ['sleep'], Cmd: ['infinity'] }
      : spec.containerArgs.length > 0
        ? { Cmd: spec.containerArgs }
        : {}),
    AttachStdout: !spec.isDaemon,
    AttachStderr: !spec.isDaemon,
    Labels: ownerLabels(),
    HostConfig: {
      Init: true,
      Mounts: spec.volumes.map(([source, target]) => ({ Type: 'bind', Source: source, Target: target })),
      ...(asCaller ? { Tmpfs: asCaller.Tmpfs } : {}),
      ...(spec.gpus ? dialect.gpuRequest(spec.gpus) : {}),
    },
  };
};

/**
 * The bind whose host folder the engine says is missing: Docker's "bind source path does not
 * exist: PATH", Podman's "statfs PATH: no such file or directory".
 */
const missingBindSource = (spec: ContainerSpec, engineMessage: string): string | undefined =>
  spec.volumes
    .map(([source]) => source)
    .find(
      (source) =>
        engineMessage.includes(`bind source path does not exist: ${source}`) ||
        engineMessage.includes(`${source}: no such file or directory`),
    );

/**
 * Creates the container (not started) and answers its ID; `caller`: run as that user.
 * `remoteLocation`: the engine is on that machine, whose folders the binds name.
 */
export const createContainer = async (
  api: DockerApi,
  dialect: EngineDialect,
  spec: ContainerSpec,
  caller?: CallerIds,
  remoteLocation?: string,
): Promise<string> => {
  try {
    const created = await api.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: spec.containerName },
      body: createBody(spec, dialect, caller),
    });
    return created.Id;
  } catch (error) {
    if (!isEngineHttpError(error)) throw error;
    if (dialect.isNameInUse(error)) throw nameInUse(spec.containerName, error.message);
    if (error.statusCode === 404)
      throw imageNotFound(imageSpecText(spec.image), dialect.engine, error.message);
    const missing = remoteLocation ? missingBindSource(spec, error.message) : undefined;
    if (missing && remoteLocation) throw remoteFolderMissing(missing, remoteLocation, error.message);
    if (spec.gpus && dialect.isGpuRefusal(error.message)) {
      throw gpusRefused(
        dialect.engine,
        `Could not create container ${spec.containerName}`,
        spec.gpus,
        error.message,
        error.statusCode,
      );
    }
    throw engineRefused(`Could not create container ${spec.containerName}`, error.message, {
      statusCode: error.statusCode,
    });
  }
};
