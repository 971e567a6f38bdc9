import * as z from 'zod';
import { containerName } from '../shared/validators.js';
import { defineMethod } from './define-method.js';

export const getContainerInfo = defineMethod({
  name: 'GetContainerInfo',
  summary: 'Describes a container: name, whether it runs, its volumes [host, container] and its image ID.',
  params: { containerName },
  result: z.object({
    containerInfo: z.object({
      name: z.string(),
      isRunning: z.boolean(),
      volumes: z.array(z.tuple([z.string(), z.string()])),
      imageSha: z.string(),
    }),
  }),
  handler: async (params, { engines }) => ({
    containerInfo: await engines.run(params.engine, (found) => found.getContainerInfo(params.containerName)),
  }),
});
