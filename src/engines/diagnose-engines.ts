import { isBridgeError } from '../shared/bridge-error.js';
import { ENGINE_NAMES, type EngineName } from '../shared/engine-names.js';
import { ErrorCode } from '../shared/error-codes.js';
import { installAdvice } from '../shared/failures.js';
import { CONNECTORS } from './connectors.js';

export interface EngineDiagnosis {
  engine: EngineName;
  /** The program found on the PATH, if any. */
  program: string | undefined;
  answering: boolean;
  location?: string;
  /** What chose the location, when a setting did (a Podman connection, CONTAINER_HOST). */
  locationSource?: string;
  version?: string;
  /** What went wrong, and what to do about it. */
  problem?: string;
}

const diagnose = async (engine: EngineName, env: NodeJS.ProcessEnv): Promise<EngineDiagnosis> => {
  const { connect, program: programOf } = CONNECTORS[engine];
  const program = programOf(env);
  try {
    const found = await connect(env);
    try {
      return {
        engine,
        program,
        answering: true,
        location: found.location,
        ...(found.locationSource ? { locationSource: found.locationSource } : {}),
        version: await found.version(),
      };
    } finally {
      await found.close();
    }
  } catch (error) {
    const notFound = isBridgeError(error) && error.code === ErrorCode.EngineNotFound;
    const message = error instanceof Error ? error.message : String(error);
    return { engine, program, answering: false, problem: notFound ? installAdvice(engine) : message };
  }
};

/** Tries every engine, as auto-detect would, and says for each what was found and what to do. */
export const diagnoseEngines = (env: NodeJS.ProcessEnv = process.env): Promise<EngineDiagnosis[]> =>
  Promise.all(ENGINE_NAMES.map((engine) => diagnose(engine, env)));
