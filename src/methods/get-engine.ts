import * as z from 'zod';
import { ENGINE_NAMES } from '../engines/container-engine.js';
import { defineMethod } from './define-method.js';

export const getEngine = defineMethod({
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
  handler: async ({ engineName, engine }, { engines }) => {
    const choice = engineName && engineName !== 'auto-detect' ? engineName : engine;
    const found = await engines.get(choice);
    return { engineName: found.name, location: found.location };
  },
});
