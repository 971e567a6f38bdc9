import { tmpdir } from 'node:os';
import { apptainerUnsupported, engineNotFound, programFailed } from '../../shared/failures.js';
import { ApptainerEngine } from './apptainer-engine.js';
import { versionCommand } from './commands.js';
import { findApptainer } from './find-apptainer.js';
import { type ProcessRunner, runProcess } from './process-runner.js';
import { checkProgram } from './program.js';
import { defaultSifFolder } from './sif-store.js';

export const connectApptainer = async (
  env: NodeJS.ProcessEnv = process.env,
  run: ProcessRunner = runProcess,
): Promise<ApptainerEngine> => {
  const location = findApptainer(env);
  if (!location) throw engineNotFound('apptainer');
  const result = await run(location, versionCommand());
  if (result.exitCode !== 0) throw programFailed('apptainer', location, result.all);
  const check = checkProgram(result.stdout);
  if (check.kind !== 'supported') throw apptainerUnsupported(location, result.stdout);
  return new ApptainerEngine(location, defaultSifFolder(env), run, {
    program: check.program,
    tempRoot: env.BST_CONTAINERS_TMPDIR || tmpdir(),
    env,
  });
};
