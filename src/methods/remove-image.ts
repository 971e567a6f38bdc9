import { removeImage as schema } from '../schemas/remove-image.js';
import { defineMethod } from './define-method.js';

export const removeImage = defineMethod(schema, async (params, { engines }) => {
  await engines.run(params.engine, (found) => found.removeImage(params.imageSha, params.isForced));
  return {};
});
