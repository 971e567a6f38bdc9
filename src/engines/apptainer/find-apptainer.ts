import { findExecutable } from '../../shared/find-executable.js';

/** `apptainer`, else `singularity` (a link to Apptainer, or SingularityCE's own), from the PATH. */
export const findApptainer = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  findExecutable('apptainer', env) ?? findExecutable('singularity', env);
