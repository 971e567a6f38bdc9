import type { EngineName } from '../shared/engine-names.js';
import { findExecutable } from '../shared/find-executable.js';
import { findApptainer } from './apptainer/find-apptainer.js';
import type { ContainerEngine } from './container-engine.js';

export interface Connector {
  /** Finds the engine and checks it answers. */
  connect(env: NodeJS.ProcessEnv): Promise<ContainerEngine>;
  /** The engine's program on the PATH, if any (doctor names it). */
  program(env: NodeJS.ProcessEnv): string | undefined;
}

// An engine's code loads when the bridge first looks for that engine: one that talks to Docker
// never loads Podman's service handling or Apptainer's process runner.
/** The one table of engines: selection and `doctor` both use it. */
export const CONNECTORS: Record<EngineName, Connector> = {
  docker: {
    connect: async (env) => (await import('./docker/connect-docker.js')).connectDocker(env),
    program: (env) => findExecutable('docker', env),
  },
  podman: {
    connect: async (env) => (await import('./podman/connect-podman.js')).connectPodman(env),
    program: (env) => findExecutable('podman', env),
  },
  apptainer: {
    connect: async (env) => (await import('./apptainer/connect-apptainer.js')).connectApptainer(env),
    program: findApptainer,
  },
};
