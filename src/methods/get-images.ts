import * as z from 'zod';
import { defineMethod } from './define-method.js';

export const getImages = defineMethod({
  name: 'GetImages',
  summary: 'Lists the images: one row [name:tag, image ID, manifest digest] per name, <none> where empty.',
  params: {},
  result: z.object({ imageList: z.array(z.tuple([z.string(), z.string(), z.string()])) }),
  handler: async ({ engine }, { engines, signal }) => ({
    imageList: await engines.run(engine, (found) => found.listImages(signal)),
  }),
});
