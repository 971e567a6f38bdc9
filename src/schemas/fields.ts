import * as z from 'zod';
import { IMAGE_ID_PATTERN, type ImageSpec, isImageId, parseImageSpec } from '../registry/image-spec.js';
import {
  type ImageReference,
  isImageReference,
  NAME_PATTERN,
  parseReference,
  REFERENCE_PATTERN,
} from '../registry/reference.js';
import { hasControlChars } from '../shared/control-chars.js';

// Each check names what is accepted so that a -32602 message tells the caller how to fix the call.
// A `pattern` in meta() is what JSON Schema (the OpenRPC document) can say of a refine(), which it
// drops: it must accept all that the refine() accepts. meta() comes last: each other call makes a
// new schema without it.

export const containerName = z
  .string()
  .max(128)
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
    'must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (like Docker container names)',
  )
  .describe('Container name, e.g. bst_<Name>.');

const imageReferenceText = z
  .string()
  .max(512)
  .refine(
    isImageReference,
    'must be an image reference such as registry/name:tag (distribution grammar; a name of at most 255 characters)',
  );

/** A reference, parsed here once: handlers and engines take the parsed object. */
export const imageReference = imageReferenceText
  .meta({ pattern: `^${REFERENCE_PATTERN}$` })
  .transform((value): ImageReference => parseReference(value));

/** A name to give an image: a reference without a digest. */
export const imageName = imageReferenceText
  .refine((value) => !value.includes('@'), 'must be name[:tag] without a digest')
  .meta({ pattern: `^${NAME_PATTERN}$` })
  .transform((value): ImageReference => parseReference(value));

/** An image ID (`sha256:<64 hex>` or a short hex ID) or an image reference, parsed once. */
export const imageIdOrReference = z
  .string()
  .max(512)
  .refine(
    (value) => isImageId(value) || isImageReference(value),
    'must be an image ID (sha256:<64 hex>) or an image reference such as name:tag',
  )
  .meta({ pattern: `^(?:${IMAGE_ID_PATTERN}|${REFERENCE_PATTERN})$` })
  .transform((value): ImageSpec => parseImageSpec(value))
  .describe('Image ID (sha256:<64 hex>) or name:tag.');

const isAbsoluteHostPath = (value: string): boolean =>
  value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');

export const absoluteHostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !hasControlChars(value), 'must not contain control characters')
  .refine(isAbsoluteHostPath, 'must be an absolute host path (/..., C:\\... or \\\\server\\share)');

export const absoluteContainerPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !hasControlChars(value), 'must not contain control characters')
  .refine((value) => value.startsWith('/'), 'must be an absolute path inside the container (/...)')
  .refine((value) => !value.includes(':'), 'must not contain ":"');

/** MATLAB sends logicals as 0/1; JSON clients send booleans. Both mean the same. */
export const flag = z
  .union([z.boolean(), z.literal(0), z.literal(1)])
  .transform((value) => value === true || value === 1);

export const nonEmptyText = z
  .string()
  .min(1, 'must not be empty')
  .max(1_000_000)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL bytes');
