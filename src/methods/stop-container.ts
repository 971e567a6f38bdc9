import * as z from 'zod';
import { containerName, flag } from '../shared/validators.js';
import { defineMethod } from './define-method.js';

export const stopContainer = defineMethod({
  name: 'StopContainer',
  summary: 'Stops and removes a container; isForced kills it at once (docker rm -f).',
  params: {
    containerName,
    isForced: flag.default(false).describe('true/1: kill at once instead of SIGTERM (default false).'),
  },
  result: z.object({}),
  handler: async (params, { engines }) => {
    await engines.run(params.engine, (found) => found.stopContainer(params.containerName, params.isForced));
    return {};
  },
});
