import { stopContainer as schema } from '../schemas/stop-container.js';
import { defineMethod } from './define-method.js';

export const stopContainer = defineMethod(schema, async (params, { engines }) => {
  await engines.run(params.engine, (found) => found.stopContainer(params.containerName, params.isForced));
  return {};
});
