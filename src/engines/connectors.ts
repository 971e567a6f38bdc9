import type { EngineName } from '../shared/engine-names.js';
import { findExecutable } from '../shared/find-executable.js';
import { connectApptainer, findApptainer } from './apptainer/connect-apptainer.js';
import type { ContainerEngine } from './container-engine.js';
import { connectDocker } from './docker/connect-docker.js';
import { connectPodman } from './podman/connect-podman.js';

export interface Connector {
  /** Finds the engine and checks it answers. */
  connect(env: NodeJS.ProcessEnv): Promise<ContainerEngine>;
  /** The engine's program on the PATH, if any (doctor names it). */
  program(env: NodeJS.ProcessEnv): string | undefined;
}

/** The one table of engines: selection and `doctor` both use it. */
export const CONNECTORS: Record<EngineName, Connector> = {
  docker: { connect: connectDocker, program: (env) => findExecutable('docker', env) },
  podman: { connect: connectPodman, program: (env) => findExecutable('podman', env) },
  apptainer: { connect: (env) => connectApptainer(env), program: findApptainer },
};
