import { findExecutable } from '../../shared/find-executable.js';

/** `apptainer`, else `singularity` (often a link to it), from the PATH. */
export const findApptainer = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  findExecutable('apptainer', env) ?? findExecutable('singularity', env);
