import { isBridgeError } from '../../shared/bridge-error.js';
import { engineNotFound, engineUnreachable } from '../../shared/failures.js';
import { findExecutable } from '../../shared/find-executable.js';
import { dockerDialect } from './dialect.js';
import { DockerEngine } from './docker-engine.js';
import { type DockerEndpoint, resolveDockerEndpoint } from './endpoint.js';

/** Docker where its CLI would look; "not found" only when neither a socket nor a docker program is there. */
export const connectDocker = async (env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> => {
  let endpoint: DockerEndpoint;
  try {
    endpoint = resolveDockerEndpoint({ env });
  } catch (error) {
    throw engineUnreachable(
      'docker',
      env.DOCKER_HOST ?? 'the Docker context',
      (error as Error).message,
      error,
    );
  }
  try {
    return await DockerEngine.connect(dockerDialect, endpoint);
  } catch (error) {
    const socketMissing = isBridgeError(error) && (error.data as { code?: string })?.code === 'ENOENT';
    if (socketMissing && !findExecutable('docker', env))
      throw engineNotFound('docker', endpoint.description, error);
    throw error;
  }
};
