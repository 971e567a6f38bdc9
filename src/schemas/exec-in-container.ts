import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { containerName, nonEmptyText } from './fields.js';

export const execInContainer = defineSchema({
  name: 'ExecInContainer',
  summary:
    'Runs `sh -c cmdStr` in a running container; answers its stdout and stderr in order. A non-zero exit is an error.',
  params: { containerName, cmdStr: nonEmptyText.describe('Shell command run inside the container.') },
  result: z.object({ cmdout: z.string() }),
  resultText: '`{cmdout}`',
  errors: [...ENGINE_ERRORS, ErrorCode.ContainerNotFound, ErrorCode.Conflict, ErrorCode.CommandFailed],
  notifications: ['bst/output'],
});
