import { readFile, writeFile } from 'node:fs/promises';
import { unsign } from 'macho-unsign';
import { signatureSet } from 'portable-executable-signature';
import { inject } from 'postject';
import type { Target } from './targets.js';

/** The fuse Node's SEA loader looks for (Node's docs, "Single executable applications"). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Puts the blob into a copy of Node. The official macOS and Windows binaries come signed; the
 * injection would leave a broken signature, which is worse than none, so it is removed first.
 * (On macOS arm64 an unsigned program does not start: the shim gives it an ad hoc signature.)
 */
export const injectBlob = async (file: string, blob: Buffer, target: Target): Promise<void> => {
  const original = await readFile(file);
  const unsigned =
    target.os === 'darwin' ? unsign(original) : target.os === 'win' ? signatureSet(original, null) : null;
  if (unsigned) await writeFile(file, Buffer.from(unsigned));
  await inject(file, 'NODE_SEA_BLOB', blob, {
    sentinelFuse: SEA_FUSE,
    ...(target.os === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
};
