import { type ImageReference, parseReference } from './reference.js';

/** An image named by its ID, or by a reference: parsed once, where the call's params are. */
export type ImageSpec = { kind: 'id'; id: string } | { kind: 'reference'; reference: ImageReference };

/** `sha256:<64 hex>`, or a short ID: all hex, which is also a valid name (the ID reading wins, as in `docker`). */
export const IMAGE_ID_PATTERN = 'sha256:[a-f0-9]{64}|[a-f0-9]{12,64}';
const IMAGE_ID = new RegExp(`^(?:${IMAGE_ID_PATTERN})$`);

export const isImageId = (value: string): boolean => IMAGE_ID.test(value);

/** Throws on a value that is neither (the schema checks first). */
export const parseImageSpec = (value: string): ImageSpec =>
  isImageId(value) ? { kind: 'id', id: value } : { kind: 'reference', reference: parseReference(value) };

/** An ID as `sha256:` and its hex digits (all of them, or the first of a short ID). */
export const withSha256 = (id: string): string => (id.startsWith('sha256:') ? id : `sha256:${id}`);

/** The image as the caller wrote it, for the engine's API and for messages. */
export const imageSpecText = (spec: ImageSpec): string =>
  spec.kind === 'id' ? spec.id : spec.reference.text;
