import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { detectNvidiaGpu } from '../../src/engines/nvidia-gpu.js';

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

/** An NVIDIA GPU, as the bridge judges it (src/engines/nvidia-gpu.ts): a device file, or one `nvidia-smi -L` lists. */
export const HOST_GPU = await detectNvidiaGpu();

/** Apptainer, or Singularity under its old name, on the PATH. */
export const HOST_APPTAINER = onPath('apptainer') ?? onPath('singularity');
