import { existsSync } from 'node:fs';
import { repoRoot } from '../../helpers/paths.js';

/** package.json's version, written out: a release bump must update these tests on purpose. */
export const VERSION = '0.1.0';

export const binFolder = `${repoRoot}dist/bin`;
export const releaseFolder = `${repoRoot}dist/release`;

/** The built files are not made by the tests: without them the tests fail and say how to make them. */
export const requireBuilt = (path: string): string => {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run dist first`);
  return path;
};
