import * as z from 'zod';
import { ErrorCode } from '../shared/error-codes.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { imageName } from './fields.js';
import { imageSource } from './image-source.js';

export const importImage = defineSchema({
  name: 'ImportImage',
  summary:
    'Pulls a registry reference, or downloads and loads an image tarball, or loads a local one; answers the image ID.',
  params: {
    imageSource,
    imageTag: imageName
      .or(z.literal('').transform(() => undefined))
      .optional()
      .describe(
        'Name given to the image, e.g. brainstorm_<Name>; the name it arrived with is removed if this call added it.',
      ),
  },
  result: z.object({ imageSha: z.string() }),
  resultText: '`{imageSha}` (`sha256:<64 hex>`)',
  errors: [...ENGINE_ERRORS, ErrorCode.RegistryFailed, ErrorCode.DownloadFailed, ErrorCode.FileNotFound],
  notifications: ['$/progress'],
});
