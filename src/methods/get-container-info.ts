import { getContainerInfo as schema } from '../schemas/get-container-info.js';
import { defineMethod } from './define-method.js';

export const getContainerInfo = defineMethod(schema, async (params, { engines }) => ({
  containerInfo: await engines.run(params.engine, (found) => found.getContainerInfo(params.containerName)),
}));
