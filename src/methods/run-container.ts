import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { GpuRule } from '../engines/nvidia-gpu.js';
import { runContainer as schema } from '../schemas/run-container.js';
import { hostFolderNotMade } from '../shared/failures.js';
import type { VolumePair } from '../shared/volume-pair.js';
import { defineMethod } from './define-method.js';

/**
 * `docker run -v` makes missing host folders; bind mounts of the Engine API refuse them. A path
 * that exists (a folder, a file) is the engine's to bind; one that cannot be made is said here,
 * as the engine would only say it does not exist.
 */
const ensureHostFolders = async (volumes: VolumePair[]) => {
  for (const [hostPath] of volumes) {
    if (!isAbsolute(hostPath) || existsSync(hostPath)) continue;
    await mkdir(hostPath, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw hostFolderNotMade(hostPath, error);
    });
  }
};

/**
 * One per bridge: each engine's machine is judged once, and the user told once; a Slurm job's
 * GPUs are read from the bridge's environment.
 */
const gpuRule = new GpuRule();

export const runContainer = defineMethod(schema, async (params, context) => {
  return context.engines.run(params.engine, async (found) => {
    // A remote engine's bind paths are its machine's: nothing of them is made or looked at here.
    if (!found.isRemote) await ensureHostFolders(params.volumes);
    const gpu = await gpuRule.apply(found, params.useGpu);
    const result = await found.runContainer(
      {
        containerName: params.containerName,
        image: params.imageSha,
        volumes: params.volumes,
        isDaemon: params.isDaemon,
        containerArgs: params.containerArgs,
        gpus: gpu.gpus,
        asImageUser: params.asImageUser ?? process.env.BST_CONTAINERS_IMAGE_USER === '1',
      },
      context,
    );
    return gpu.notice ? { ...result, notice: gpu.notice } : result;
  });
});
