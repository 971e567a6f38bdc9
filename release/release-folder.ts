import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pluginJson, pluginSnippet } from './brainstorm-plugin.js';
import { type BuiltFile, describeFile, sha256sums } from './checksums.js';
import { nodeLicense } from './node-license.js';
import type { NodeRuntime } from './node-packages.js';
import { writePlatformZip } from './platform-zip.js';
import { zipName } from './release-location.js';
import { releaseReadme } from './release-readme.js';
import { binaryName, TARGETS } from './targets.js';

/**
 * dist/release: what Brainstorm users download. A zip per platform (shim, binary, licenses,
 * README.txt), their SHA256SUMS, and the plugin manager's descriptions: brainstorm-plugin.m (an
 * entry for bst_plugin.m's GetSupported) and brainstorm-plugin-<os>-<arch>.json (one per zip, for
 * Plugins > User defined > Add from file or URL, which takes a single URLzip).
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
    await writeFile(
      join(releaseFolder, `brainstorm-plugin-${target.os}-${target.arch}.json`),
      pluginJson(target, version),
    );
    process.stderr.write(`zipped ${zipName(version, target)}\n`);
  }
  await writeFile(join(releaseFolder, 'SHA256SUMS'), sha256sums(zips));
  await writeFile(join(releaseFolder, 'brainstorm-plugin.m'), pluginSnippet(TARGETS, version));
};
