import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { containerName } from './fields.js';

export const getContainerInfo = defineSchema({
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
  resultText: '`{containerInfo: {name, isRunning, volumes: [[host, container], ...], imageSha}}`',
  errors: [...ENGINE_ERRORS, ErrorCode.ContainerNotFound],
});
