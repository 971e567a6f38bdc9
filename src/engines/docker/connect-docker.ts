import { BridgeError, isBridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { findExecutable } from '../../shared/find-executable.js';
import { DockerEngine } from './docker-engine.js';
import { resolveDockerEndpoint } from './endpoint.js';

/** Docker where its CLI would look; "not found" only when neither a socket nor a docker program is there. */
export const connectDocker = async (env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> => {
  let endpoint: ReturnType<typeof resolveDockerEndpoint>;
  try {
    endpoint = resolveDockerEndpoint();
  } catch (error) {
    throw new BridgeError(
      ErrorCode.EngineNotAnswering,
      `Docker cannot be reached: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  try {
    return await DockerEngine.connect('docker', endpoint);
  } catch (error) {
    const socketMissing = isBridgeError(error) && (error.data as { code?: string })?.code === 'ENOENT';
    if (socketMissing && !findExecutable('docker', env)) {
      throw new BridgeError(ErrorCode.EngineNotFound, 'Container engine docker was not found.', {
        data: { looked: endpoint.description },
        cause: error,
      });
    }
    throw error;
  }
};
