import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { BridgeError } from '../../shared/bridge-error.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { findExecutable } from '../../shared/find-executable.js';
import { DockerEngine } from '../docker/docker-engine.js';
import { parseDockerHost, socketEndpoint } from '../docker/endpoint.js';
import { defaultPodmanSockets } from './podman-sockets.js';
import { socketAnswers, startPrivateService } from './private-service.js';

/** The socket `podman info` names (a process, but only when no default socket answered). */
const socketFromPodmanInfo = async (podman: string): Promise<string | undefined> => {
  const { stdout, exitCode } = await execa(podman, ['info', '--format', '{{.Host.RemoteSocket.Path}}'], {
    reject: false,
    timeout: 15_000,
  });
  const path = stdout.trim().replace(/^unix:\/\//, '');
  return exitCode === 0 && path ? path : undefined;
};

/**
 * Podman through its Docker-compatible API: a service already listening if there is one,
 * otherwise a private `podman system service` that ends with the bridge.
 */
export const connectPodman = async (env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> => {
  // Podman's own variable for its remote client: when set, it is the one place to look.
  if (env.CONTAINER_HOST) {
    const endpoint = parseDockerHost(env.CONTAINER_HOST);
    if (endpoint.kind === 'socket' && !(await socketAnswers(endpoint.socketPath))) {
      throw new BridgeError(
        ErrorCode.EngineNotAnswering,
        `Podman is not answering at ${endpoint.description} (CONTAINER_HOST). Start its service (\`podman system service\`), or unset CONTAINER_HOST.`,
      );
    }
    return DockerEngine.connect('podman', endpoint);
  }
  for (const socket of defaultPodmanSockets(env)) {
    if (existsSync(socket) && (await socketAnswers(socket)))
      return DockerEngine.connect('podman', socketEndpoint(socket));
  }
  const podman = findExecutable('podman', env);
  if (!podman) throw new BridgeError(ErrorCode.EngineNotFound, 'Container engine podman was not found.');
  const named = await socketFromPodmanInfo(podman);
  if (named && existsSync(named) && (await socketAnswers(named))) {
    return DockerEngine.connect('podman', socketEndpoint(named));
  }
  try {
    const service = await startPrivateService(podman);
    return await DockerEngine.connect('podman', socketEndpoint(service.socketPath), service.stop);
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError(
      ErrorCode.EngineNotAnswering,
      `Podman is installed (${podman}) but its API service could not be started: ${(error as Error).message}. Start it with \`systemctl --user enable --now podman.socket\` (or \`sudo systemctl enable --now podman.socket\`).`,
      { cause: error },
    );
  }
};
