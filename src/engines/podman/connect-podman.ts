import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { execa } from 'execa';
import { isBridgeError } from '../../shared/bridge-error.js';
import {
  connectionNotAnswering,
  engineNotFound,
  podmanConfigUnreadable,
  serviceNotStarted,
  variableAddressNotAnswering,
} from '../../shared/failures.js';
import { findExecutable } from '../../shared/find-executable.js';
import { DockerEngine } from '../docker/docker-engine.js';
import { type DockerEndpoint, socketEndpoint } from '../docker/endpoint.js';
import { connectionEndpoint, findPodmanConnection, type PodmanConfigPlaces } from './podman-connections.js';
import { podmanDialect } from './podman-dialect.js';
import { defaultPodmanSockets } from './podman-sockets.js';
import { socketAnswers, startPrivateService } from './private-service.js';

const connect = (endpoint: DockerEndpoint, onClose?: () => Promise<void>, locationSource?: string) =>
  DockerEngine.connect(podmanDialect, endpoint, onClose, locationSource);

const readIfThere = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw podmanConfigUnreadable(path, code ?? (error as Error).message);
  }
};

const listIfThere = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

const places = (env: NodeJS.ProcessEnv, podman: string | undefined): PodmanConfigPlaces => ({
  env,
  // As Podman (unshare.HomeDir): HOME first, the password database's only without it.
  home: env.HOME || homedir(),
  platform: process.platform,
  uid: process.getuid?.(),
  podmanInstalled: podman !== undefined,
  readFile: readIfThere,
  listFolder: listIfThere,
});

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
  const podman = findExecutable('podman', env);
  // What Podman's own remote client would use: when there is one, it is the one place to look.
  const connection = findPodmanConnection(places(env, podman));
  if (connection) {
    const endpoint = connectionEndpoint(connection);
    if (endpoint.kind === 'socket' && !(await socketAnswers(endpoint.socketPath))) {
      throw connection.name === undefined
        ? variableAddressNotAnswering('podman', endpoint.description, 'CONTAINER_HOST')
        : connectionNotAnswering(endpoint.description, connection.source);
    }
    return connect(endpoint, undefined, connection.source);
  }
  for (const socket of defaultPodmanSockets(env)) {
    if (existsSync(socket) && (await socketAnswers(socket))) return connect(socketEndpoint(socket));
  }
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
