import * as z from 'zod';
import { flag, imageIdOrReference } from '../shared/validators.js';
import { defineMethod } from './define-method.js';

export const removeImage = defineMethod({
  name: 'RemoveImage',
  summary: 'Removes an image, by ID or by name; isForced removes it even when in use.',
  params: {
    imageSha: imageIdOrReference,
    isForced: flag.default(false).describe('true/1: remove even when in use (default false).'),
  },
  result: z.object({}),
  handler: async (params, { engines }) => {
    await engines.run(params.engine, (found) => found.removeImage(params.imageSha, params.isForced));
    return {};
  },
});
