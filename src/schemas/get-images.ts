import * as z from 'zod';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';

export const getImages = defineSchema({
  name: 'GetImages',
  summary: 'Lists the images: one row [name:tag, image ID, manifest digest] per name, <none> where empty.',
  params: {},
  result: z.object({ imageList: z.array(z.tuple([z.string(), z.string(), z.string()])) }),
  resultText:
    '`{imageList: [[nameTag, imageId, manifestDigest], ...]}`, `<none>` where empty (`<none>:<none>` for untagged)',
  errors: ENGINE_ERRORS,
});
