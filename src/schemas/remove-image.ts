import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { flag, imageIdOrReference } from './fields.js';

export const removeImage = defineSchema({
  name: 'RemoveImage',
  summary: 'Removes an image, by ID or by name; isForced removes it even when in use.',
  params: {
    imageSha: imageIdOrReference,
    isForced: flag.default(false).describe('true/1: remove even when in use (default false).'),
  },
  result: z.object({}),
  resultText: '`{}`',
  errors: [...ENGINE_ERRORS, ErrorCode.ImageNotFound, ErrorCode.Conflict],
});
