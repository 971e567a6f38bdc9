import { getEngine as schema } from '../schemas/get-engine.js';
import { defineMethod } from './define-method.js';

export const getEngine = defineMethod(schema, async ({ engineName, engine }, { engines }) => {
  const choice = engineName && engineName !== 'auto-detect' ? engineName : engine;
  const found = await engines.get(choice);
  return { engineName: found.name, location: found.location };
});
