import { execInContainer as schema } from '../schemas/exec-in-container.js';
import { defineMethod } from './define-method.js';

export const execInContainer = defineMethod(schema, async (params, context) => ({
  cmdout: await context.engines.run(params.engine, (found) =>
    found.execInContainer(params.containerName, params.cmdStr, context),
  ),
}));
