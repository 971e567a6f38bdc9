import { isAbsolute } from 'node:path';
import * as z from 'zod';
import {
  type ImageReference,
  isImageReference,
  parseReference,
  REFERENCE_PATTERN,
} from '../registry/reference.js';
import { hasControlChars } from '../shared/control-chars.js';

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string }
  | { kind: 'reference'; reference: ImageReference };

/**
 * What Brainstorm's original bst_containers.m accepts as ImageSource: an http(s) URL, a tarball
 * path, or a registry reference. Classified once, here.
 */
const classifyImageSource = (value: string): ImageSource | undefined => {
  if (hasControlChars(value)) return undefined;
  if (/^https?:\/\//i.test(value))
    return URL.canParse(value) && !/\s/.test(value) ? { kind: 'url', url: value } : undefined;
  if (isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value)) return { kind: 'file', path: value };
  return isImageReference(value) ? { kind: 'reference', reference: parseReference(value) } : undefined;
};

/**
 * What JSON Schema can say of the classification: no control character, then an http(s) URL with no
 * space, an absolute path (either system's: the bridge's own system decides), or a reference.
 */
const IMAGE_SOURCE_PATTERN = `^(?![\\s\\S]*[\\u0000-\\u001f\\u007f])(?:[hH][tT][tT][pP][sS]?://\\S+|/[\\s\\S]*|\\\\[\\s\\S]*|[A-Za-z]:[\\\\/][\\s\\S]*|${REFERENCE_PATTERN})$`;

export const imageSource = z
  .string()
  .max(8192)
  .meta({ pattern: IMAGE_SOURCE_PATTERN })
  .transform((value, context): ImageSource => {
    const source = classifyImageSource(value);
    if (source) return source;
    context.addIssue({
      code: 'custom',
      message:
        'must be an image reference (registry/name:tag), an http(s) URL or an absolute path to an image tarball',
    });
    return z.NEVER;
  })
  .describe(
    'Registry reference (registry/name:tag), http(s) URL of an image tarball, or absolute path to one. A URL must also parse as a URL.',
  );
