import { getImages as schema } from '../schemas/get-images.js';
import { defineMethod } from './define-method.js';

export const getImages = defineMethod(schema, async ({ engine }, { engines, signal }) => ({
  imageList: await engines.run(engine, (found) => found.listImages(signal)),
}));
