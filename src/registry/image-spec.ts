import { type ImageReference, parseReference } from './reference.js';

/** An image named by its ID, or by a reference: parsed once, where the call's params are. */
export type ImageSpec = { kind: 'id'; id: string } | { kind: 'reference'; reference: ImageReference };

const SHA256_ID = /^sha256:[a-f0-9]{64}$/;
/** A short ID is all hex, which is also a valid name: the ID reading wins, as in `docker`. */
const SHORT_ID = /^[a-f0-9]{12,64}$/;

export const isImageId = (value: string): boolean => SHA256_ID.test(value) || SHORT_ID.test(value);

/** Throws on a value that is neither (the schema checks first). */
export const parseImageSpec = (value: string): ImageSpec =>
  isImageId(value) ? { kind: 'id', id: value } : { kind: 'reference', reference: parseReference(value) };

/** An ID as `sha256:` and its hex digits (all of them, or the first of a short ID). */
export const withSha256 = (id: string): string => (id.startsWith('sha256:') ? id : `sha256:${id}`);

/** The image as the caller wrote it, for the engine's API and for messages. */
export const imageSpecText = (spec: ImageSpec): string =>
  spec.kind === 'id' ? spec.id : spec.reference.text;
