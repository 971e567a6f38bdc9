import { containerNotFound } from '../../shared/failures.js';
import type { ContainerInfo } from '../container-engine.js';
import { type ContainerInspect, toContainerInfo } from './container-info.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';

export const containerPath = (name: string, action = '') =>
  `/containers/${encodeURIComponent(name)}${action}`;

const rethrowMissing = (name: string) => (error: unknown) => {
  if (isEngineHttpError(error, 404)) throw containerNotFound(name, error.message);
  throw error;
};

export const inspectContainer = async (api: DockerApi, name: string): Promise<ContainerInfo> =>
  toContainerInfo(
    await api.json<ContainerInspect>({ path: containerPath(name, '/json') }).catch(rethrowMissing(name)),
  );

export const stopContainer = async (api: DockerApi, name: string, isForced: boolean): Promise<void> => {
  if (!isForced) {
    await api
      .call({ method: 'POST', path: containerPath(name, '/stop'), query: { t: 10 } })
      .catch(rethrowMissing(name));
  }
  await api
    .call({ method: 'DELETE', path: containerPath(name), query: { force: isForced } })
    .catch(rethrowMissing(name));
};

/** For a container the bridge made and no longer needs: it may already be gone. */
export const removeQuietly = (api: DockerApi, id: string) =>
  api.call({ method: 'DELETE', path: containerPath(id), query: { force: true } }).catch(() => {});
