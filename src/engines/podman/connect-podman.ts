import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { isBridgeError } from '../../shared/bridge-error.js';
import {
  engineNotFound,
  engineUnreachable,
  serviceNotStarted,
  variableAddressNotAnswering,
} from '../../shared/failures.js';
import { findExecutable } from '../../shared/find-executable.js';
import { DockerEngine } from '../docker/docker-engine.js';
import { type DockerEndpoint, parseDockerHost, socketEndpoint, sshEndpoint } from '../docker/endpoint.js';
import { podmanDialect } from './podman-dialect.js';
import { defaultPodmanSockets } from './podman-sockets.js';
import { socketAnswers, startPrivateService } from './private-service.js';

const connect = (endpoint: DockerEndpoint, onClose?: () => Promise<void>) =>
  DockerEngine.connect(podmanDialect, endpoint, onClose);

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
 * A Podman address: over ssh:// the remote socket itself is forwarded (`ssh -W`), as Podman's
 * client opens it, so the address must end with that socket's path.
 */
const podmanEndpoint = (address: string, identity: string | undefined, source: string): DockerEndpoint => {
  try {
    if (!address.startsWith('ssh://')) return parseDockerHost(address);
    const endpoint = sshEndpoint(address, identity, 'socket');
    if (endpoint.kind === 'ssh' && !endpoint.ssh.path)
      throw new Error(
        `${address} names no socket; end it with the Podman socket on that machine, e.g. /run/user/1000/podman/podman.sock`,
      );
    return endpoint;
  } catch (error) {
    throw engineUnreachable('podman', `${address} (${source})`, (error as Error).message, error);
  }
};

/**
 * Podman through its Docker-compatible API: a service already listening if there is one,
 * otherwise a private `podman system service` that ends with the bridge.
 */
export const connectPodman = async (env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> => {
  // Podman's own variable for its remote client: when set, it is the one place to look.
  if (env.CONTAINER_HOST) {
    const endpoint = podmanEndpoint(env.CONTAINER_HOST, env.CONTAINER_SSHKEY, 'CONTAINER_HOST');
    if (endpoint.kind === 'socket' && !(await socketAnswers(endpoint.socketPath))) {
      throw variableAddressNotAnswering('podman', endpoint.description, 'CONTAINER_HOST');
    }
    return connect(endpoint);
  }
  for (const socket of defaultPodmanSockets(env)) {
    if (existsSync(socket) && (await socketAnswers(socket))) return connect(socketEndpoint(socket));
  }
  const podman = findExecutable('podman', env);
  if (!podman) throw engineNotFound('podman');
  const named = await socketFromPodmanInfo(podman);
  if (named && existsSync(named) && (await socketAnswers(named))) {
    return connect(socketEndpoint(named));
  }
  try {
    const service = await startPrivateService(podman);
    return await connect(socketEndpoint(service.socketPath), service.stop);
  } catch (error) {
    if (isBridgeError(error)) throw error;
    throw serviceNotStarted('podman', podman, (error as Error).message, error);
  }
};
