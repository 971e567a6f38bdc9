import { engineNotFound, programFailed } from '../../shared/failures.js';
import { ApptainerEngine } from './apptainer-engine.js';
import { versionCommand } from './commands.js';
import { findApptainer } from './find-apptainer.js';
import { parseVersion } from './instance-list.js';
import { type ProcessRunner, runProcess } from './process-runner.js';
import { defaultSifFolder } from './sif-store.js';

export const connectApptainer = async (
  env: NodeJS.ProcessEnv = process.env,
  run: ProcessRunner = runProcess,
): Promise<ApptainerEngine> => {
  const program = findApptainer(env);
  if (!program) throw engineNotFound('apptainer');
  const result = await run(program, versionCommand());
  const version = parseVersion(result.stdout);
  if (result.exitCode !== 0 || !version) {
    throw programFailed('apptainer', program, result.all);
  }
  return new ApptainerEngine(program, defaultSifFolder(env), run, version);
};
