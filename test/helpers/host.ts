import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where `program` is on this host's PATH, if anywhere. */
export const onPath = (program: string): string | undefined =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((folder) => join(folder, program))
    .find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return statSync(candidate).isFile();
      } catch {
        return false;
      }
    });

/** An NVIDIA GPU, as the bridge judges it: `nvidia-smi` on the PATH. */
export const HOST_GPU = onPath('nvidia-smi');

/** Apptainer, or Singularity under its old name, on the PATH. */
export const HOST_APPTAINER = onPath('apptainer') ?? onPath('singularity');
