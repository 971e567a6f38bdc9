import * as z from 'zod';
import { containerName, nonEmptyText } from '../shared/validators.js';
import { defineMethod } from './define-method.js';

export const execInContainer = defineMethod({
  name: 'ExecInContainer',
  summary:
    'Runs `sh -c cmdStr` in a running container; answers its stdout and stderr in order. A non-zero exit is an error.',
  params: { containerName, cmdStr: nonEmptyText.describe('Shell command run inside the container.') },
  result: z.object({ cmdout: z.string() }),
  handler: async (params, context) => ({
    cmdout: await context.engines.run(params.engine, (found) =>
      found.execInContainer(params.containerName, params.cmdStr, context),
    ),
  }),
});
