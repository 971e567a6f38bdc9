import * as z from 'zod';
import { defineSchema } from './define-schema.js';
import { containerName, flag } from './fields.js';

export const stopContainer = defineSchema({
  name: 'StopContainer',
  summary: 'Stops and removes a container; isForced kills it at once (docker rm -f).',
  params: {
    containerName,
    isForced: flag.default(false).describe('true/1: kill at once instead of SIGTERM (default false).'),
  },
  result: z.object({}),
});
