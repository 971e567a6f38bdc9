import * as z from 'zod';
import { defineSchema } from './define-schema.js';
import { containerName, nonEmptyText } from './fields.js';

export const execInContainer = defineSchema({
  name: 'ExecInContainer',
  summary:
    'Runs `sh -c cmdStr` in a running container; answers its stdout and stderr in order. A non-zero exit is an error.',
  params: { containerName, cmdStr: nonEmptyText.describe('Shell command run inside the container.') },
  result: z.object({ cmdout: z.string() }),
});
