import { isAbsolute } from 'node:path';
import { isImageReference } from '../registry/reference.js';
import { hasControlChars } from '../shared/control-chars.js';

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string }
  | { kind: 'reference'; reference: string };

/** What the seed accepts as ImageSource: an http(s) URL, a tarball path, or a registry reference. */
export const classifyImageSource = (value: string): ImageSource | undefined => {
  if (hasControlChars(value)) return undefined;
  if (/^https?:\/\//i.test(value))
    return URL.canParse(value) && !/\s/.test(value) ? { kind: 'url', url: value } : undefined;
  if (isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value)) return { kind: 'file', path: value };
  return isImageReference(value) ? { kind: 'reference', reference: value } : undefined;
};
