import { ownerLabels } from '../../leftovers/container-labels.js';
import { imageSpecText } from '../../registry/image-spec.js';
import { engineRefused, imageNotFound, nameInUse } from '../../shared/failures.js';
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
      ...(spec.useGpu ? dialect.gpuRequest() : {}),
    },
  };
};

/** Creates the container (not started) and answers its ID; `caller`: run as that user. */
export const createContainer = async (
  api: DockerApi,
  dialect: EngineDialect,
  spec: ContainerSpec,
  caller?: CallerIds,
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
    throw engineRefused(`Could not create container ${spec.containerName}`, error.message, {
      statusCode: error.statusCode,
    });
  }
};
