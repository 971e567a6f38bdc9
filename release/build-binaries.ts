// npm run dist: single executables with Node inside for every target, their sums and manifest,
// and a zip per platform for Brainstorm users. Run by scripts/dist.sh after the bundle is built.
import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { type BuiltFile, describeFile, sha256sums } from './checksums.js';
import { injectBlob } from './inject.js';
import { nodeBinaryFor, readNodeRuntime } from './node-packages.js';
import { writeRelease } from './release-folder.js';
import { makeSeaBlob } from './sea-blob.js';
import { binaryName, isHostTarget, TARGETS } from './targets.js';

const root = join(import.meta.dirname, '..');
const binFolder = join(root, 'dist', 'bin');
const seaFolder = join(root, 'dist', 'sea');

const runtime = await readNodeRuntime(join(root, 'scripts', 'node-runtime.txt'));
if (process.version !== `v${runtime.version}`)
  throw new Error(
    `Build with the pinned Node ${runtime.version} (source scripts/use-node.sh), not ${process.version}`,
  );

const bundle = join(seaFolder, 'bst-containers.cjs');
const blobs = {
  native: await makeSeaBlob({ bundle, folder: seaFolder, useCodeCache: true }),
  portable: await makeSeaBlob({ bundle, folder: seaFolder, useCodeCache: false }),
};

await rm(binFolder, { recursive: true, force: true });
await mkdir(binFolder, { recursive: true });
const built: BuiltFile[] = [];
for (const target of TARGETS) {
  const node = await nodeBinaryFor(target, runtime, join(root, '.node-dist'));
  const file = join(binFolder, binaryName(target));
  await copyFile(node, file);
  await chmod(file, 0o755);
  await injectBlob(file, isHostTarget(target) ? blobs.native : blobs.portable, target);
  built.push(await describeFile(file, target.os, target.arch));
  process.stderr.write(`built ${binaryName(target)}${isHostTarget(target) ? ' (with code cache)' : ''}\n`);
}
await writeFile(join(binFolder, 'SHA256SUMS'), sha256sums(built));
await writeFile(
  join(binFolder, 'manifest.json'),
  `${JSON.stringify({ version: packageJson.version, node: runtime.version, files: built }, null, 2)}\n`,
);

await writeRelease({ root, version: packageJson.version, runtime });
