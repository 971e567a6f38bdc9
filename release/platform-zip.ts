import { chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { binaryName, type Target } from './targets.js';

/** The folder a user unzips and adds to the MATLAB path: the whole install. */
export const ZIP_TOP_FOLDER = 'bst-containers';

/** Every entry of a platform's zip, in the order written: what the release tests expect. */
export const zipEntries = (target: Pick<Target, 'os' | 'arch'>): string[] => [
  `${ZIP_TOP_FOLDER}/`,
  `${ZIP_TOP_FOLDER}/bin/`,
  `${ZIP_TOP_FOLDER}/bin/${binaryName(target)}`,
  `${ZIP_TOP_FOLDER}/bst_containers.m`,
  `${ZIP_TOP_FOLDER}/LICENSE`,
  `${ZIP_TOP_FOLDER}/LICENSE-node`,
  `${ZIP_TOP_FOLDER}/README.txt`,
];

export interface ZipContents {
  target: Target;
  /** The built executable, dist/bin/bst-containers-<os>-<arch>[.exe]. */
  binary: string;
  shim: string;
  projectLicense: string;
  nodeLicense: string;
  readme: string;
}

/**
 * One platform's zip, made with Info-ZIP's `zip` from a staged copy of the folder. Modes are set
 * before zipping because zip stores them and `unzip`, Finder and most tools restore them: the
 * program must arrive executable on Linux and macOS. -X leaves out uid/gid (this build machine's).
 */
export const writePlatformZip = async (
  contents: ZipContents,
  zipFile: string,
  staging: string,
): Promise<void> => {
  const top = join(staging, ZIP_TOP_FOLDER);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(top, 'bin'), { recursive: true });
  const binary = join(top, 'bin', binaryName(contents.target));
  await copyFile(contents.binary, binary);
  await chmod(binary, 0o755);
  await copyFile(contents.shim, join(top, 'bst_containers.m'));
  await copyFile(contents.projectLicense, join(top, 'LICENSE'));
  await writeFile(join(top, 'LICENSE-node'), contents.nodeLicense);
  await writeFile(join(top, 'README.txt'), contents.readme);
  for (const file of ['bst_containers.m', 'LICENSE', 'LICENSE-node', 'README.txt'])
    await chmod(join(top, file), 0o644);
  await rm(zipFile, { force: true });
  // Named one by one, folders first, so that the entries' order is the same on every build.
  const entries = zipEntries(contents.target);
  await execa('zip', ['-q', '-X', zipFile, ...entries], { cwd: staging });
  await rm(staging, { recursive: true, force: true });
};
