import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema } from './define-schema.js';
import { imageReference } from './fields.js';

export const getOnlineManifest = defineSchema({
  name: 'GetOnlineManifest',
  summary: "Asks the image's registry for the digest its tag points to now, without pulling.",
  params: { imageSource: imageReference.describe('Registry reference, e.g. docker.io/user/image:tag.') },
  result: z.object({ manifestSha: z.string() }),
  resultText: '`{manifestSha}`',
  errors: [ErrorCode.RegistryFailed],
});
