import * as z from 'zod';
import { ENGINE_NAMES } from '../shared/engine-names.js';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema } from './define-schema.js';

export const getEngine = defineSchema({
  name: 'GetEngine',
  summary: 'Finds a container engine that answers (once; later calls reuse it) and names it.',
  params: {
    engineName: z
      .enum(['auto-detect', ...ENGINE_NAMES])
      .or(z.literal(''))
      .optional()
      .describe('Engine to test; empty or auto-detect tries each supported engine in turn.'),
  },
  result: z.object({ engineName: z.enum(ENGINE_NAMES), location: z.string() }),
  resultText: '`{engineName, location}`',
  errors: [ErrorCode.EngineNotFound, ErrorCode.EngineNotAnswering],
});
