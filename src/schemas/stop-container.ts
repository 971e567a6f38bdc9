import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { containerName, flag } from './fields.js';

export const stopContainer = defineSchema({
  name: 'StopContainer',
  summary: 'Stops and removes a container; isForced kills it at once (docker rm -f).',
  params: {
    containerName,
    isForced: flag.default(false).describe('true/1: kill at once instead of SIGTERM (default false).'),
  },
  result: z.object({}),
  resultText: '`{}`',
  errors: [...ENGINE_ERRORS, ErrorCode.ContainerNotFound],
});
