import { mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { GpuRule } from '../engines/nvidia-gpu.js';
import { runContainer as schema } from '../schemas/run-container.js';
import type { VolumePair } from '../shared/volume-pair.js';
import { defineMethod } from './define-method.js';

/** `docker run -v` makes missing host folders; bind mounts of the Engine API refuse them. */
const ensureHostFolders = async (volumes: VolumePair[]) => {
  for (const [hostPath] of volumes) {
    if (isAbsolute(hostPath)) await mkdir(hostPath, { recursive: true }).catch(() => {});
  }
};

/** One per bridge: the host is looked at once per engine, and the user told once. */
const gpuRule = new GpuRule();

export const runContainer = defineMethod(schema, async (params, context) => {
  await ensureHostFolders(params.volumes);
  return context.engines.run(params.engine, async (found) => {
    const gpu = await gpuRule.apply(found.name, params.useGpu);
    const result = await found.runContainer(
      {
        containerName: params.containerName,
        image: params.imageSha,
        volumes: params.volumes,
        isDaemon: params.isDaemon,
        containerArgs: params.containerArgs,
        useGpu: gpu.useGpu,
      },
      context,
    );
    return gpu.notice ? { ...result, notice: gpu.notice } : result;
  });
});
