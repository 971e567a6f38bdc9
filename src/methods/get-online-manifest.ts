import { fetchManifestDigest } from '../registry/manifest-digest.js';
import { getOnlineManifest as schema } from '../schemas/get-online-manifest.js';
import { defineMethod } from './define-method.js';

export const getOnlineManifest = defineMethod(schema, async ({ imageSource }, { signal }) => ({
  manifestSha: await fetchManifestDigest(imageSource, process.env, signal),
}));
