import { isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { findExecutable } from '../shared/find-executable.js';
import { connectApptainer, findApptainer } from './apptainer/connect-apptainer.js';
import { type ContainerEngine, ENGINE_NAMES, type EngineName } from './container-engine.js';
import { connectDocker } from './docker/connect-docker.js';
import { connectPodman } from './podman/connect-podman.js';

export interface EngineDiagnosis {
  engine: EngineName;
  /** The program found on the PATH, if any. */
  program: string | undefined;
  answering: boolean;
  location?: string;
  version?: string;
  /** What went wrong, and what to do about it. */
  problem?: string;
}

const CONNECT: Record<EngineName, () => Promise<ContainerEngine>> = {
  docker: () => connectDocker(),
  podman: () => connectPodman(),
  apptainer: () => connectApptainer(),
};

const INSTALL_ADVICE: Record<EngineName, string> = {
  docker: 'Install Docker (https://docs.docker.com/get-docker/), or Docker Desktop, and start it.',
  podman:
    'Install Podman (https://podman.io); its API service is started on demand, or enable it with `systemctl --user enable --now podman.socket`.',
  apptainer: 'On a cluster: `module load apptainer`. Elsewhere: install Apptainer (https://apptainer.org).',
};

const programOf = (engine: EngineName) => (engine === 'apptainer' ? findApptainer() : findExecutable(engine));

/** Tries every engine, as auto-detect would, and says for each what was found and what to do. */
export const diagnoseEngines = (): Promise<EngineDiagnosis[]> =>
  Promise.all(
    ENGINE_NAMES.map(async (engine): Promise<EngineDiagnosis> => {
      const program = programOf(engine);
      try {
        const found = await CONNECT[engine]();
        try {
          return {
            engine,
            program,
            answering: true,
            location: found.location,
            version: await found.version(),
          };
        } finally {
          await found.close();
        }
      } catch (error) {
        const notFound = isBridgeError(error) && error.code === ErrorCode.EngineNotFound;
        const message = error instanceof Error ? error.message : String(error);
        return { engine, program, answering: false, problem: notFound ? INSTALL_ADVICE[engine] : message };
      }
    }),
  );
