import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Target } from './targets.js';

/** scripts/node-runtime.txt: the pinned Node version and the sha512 of each package's tarball. */
export interface NodeRuntime {
  version: string;
  sha512: Map<string, string>;
}

export const readNodeRuntime = async (file: string): Promise<NodeRuntime> => {
  const sha512 = new Map<string, string>();
  let version = '';
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (!key || key.startsWith('#') || !value) continue;
    if (key === 'version') version = value;
    else sha512.set(key, value);
  }
  if (!version) throw new Error(`${file} names no Node version`);
  return { version, sha512 };
};

/**
 * The official Node binary for a target, from the npm registry (`npm pack`: npm ci would skip a
 * package made for another os or cpu), checked against the committed checksum and kept in `cache`.
 */
export const nodeBinaryFor = async (target: Target, runtime: NodeRuntime, cache: string): Promise<string> => {
  const expected = runtime.sha512.get(target.nodePackage);
  if (!expected) throw new Error(`scripts/node-runtime.txt has no checksum for ${target.nodePackage}`);
  const folder = join(cache, `${target.nodePackage}-${runtime.version}`);
  const binary = join(folder, target.nodeInPackage);
  if (existsSync(binary)) return binary;
  await mkdir(cache, { recursive: true });
  const tarball = join(cache, `${target.nodePackage}-${runtime.version}.tgz`);
  if (!existsSync(tarball))
    await execa('npm', [
      'pack',
      `${target.nodePackage}@${runtime.version}`,
      '--silent',
      '--pack-destination',
      cache,
    ]);
  const actual = createHash('sha512')
    .update(await readFile(tarball))
    .digest('hex');
  if (actual !== expected) {
    await rm(tarball, { force: true });
    throw new Error(
      `${target.nodePackage}@${runtime.version} does not match scripts/node-runtime.txt (got ${actual})`,
    );
  }
  const unpacking = `${folder}.new`;
  await rm(unpacking, { recursive: true, force: true });
  await mkdir(unpacking, { recursive: true });
  await execa('tar', ['-xzf', tarball, '-C', unpacking, target.nodeInPackage]);
  await rm(folder, { recursive: true, force: true });
  await rename(unpacking, folder);
  return binary;
};
