import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuiltFile, describeFile, sha256sums } from './checksums.js';
import { nodeLicense } from './node-license.js';
import type { NodeRuntime } from './node-packages.js';
import { writePlatformZip } from './platform-zip.js';
import { zipName } from './release-location.js';
import { releaseReadme } from './release-readme.js';
import { binaryName, TARGETS } from './targets.js';

/**
 * dist/release: what Brainstorm users download. A zip per platform (shim, binary, licenses,
 * README.txt) and their SHA256SUMS.
 */
export const writeRelease = async (options: {
  root: string;
  version: string;
  runtime: NodeRuntime;
}): Promise<void> => {
  const { root, version, runtime } = options;
  const releaseFolder = join(root, 'dist', 'release');
  await rm(releaseFolder, { recursive: true, force: true });
  await mkdir(releaseFolder, { recursive: true });
  const zips: BuiltFile[] = [];
  for (const target of TARGETS) {
    const zipFile = join(releaseFolder, zipName(version, target));
    await writePlatformZip(
      {
        target,
        binary: join(root, 'dist', 'bin', binaryName(target)),
        shim: join(root, 'matlab', 'bst_containers.m'),
        projectLicense: join(root, 'LICENSE'),
        nodeLicense: await nodeLicense(target, runtime, join(root, '.node-dist')),
        readme: releaseReadme(target, version, runtime.version),
      },
      zipFile,
      join(releaseFolder, `.staging-${target.os}-${target.arch}`),
    );
    zips.push(await describeFile(zipFile, target.os, target.arch));
    process.stderr.write(`zipped ${zipName(version, target)}\n`);
  }
  await writeFile(join(releaseFolder, 'SHA256SUMS'), sha256sums(zips));
};
