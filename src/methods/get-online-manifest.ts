import * as z from 'zod';
import { fetchManifestDigest } from '../registry/manifest-digest.js';
import { parseReference } from '../registry/reference.js';
import { imageReference } from '../shared/validators.js';
import { defineMethod } from './define-method.js';

export const getOnlineManifest = defineMethod({
  name: 'GetOnlineManifest',
  summary: "Asks the image's registry for the digest its tag points to now, without pulling.",
  params: { imageSource: imageReference.describe('Registry reference, e.g. docker.io/user/image:tag.') },
  result: z.object({ manifestSha: z.string() }),
  handler: async ({ imageSource }, { signal }) => ({
    manifestSha: await fetchManifestDigest(parseReference(imageSource), imageSource, signal),
  }),
});
