import { chmod, copyFile, cp, mkdir, readdir, rm } from 'node:fs/promises';
import { execa } from 'execa';
import {
  asUserCommand,
  BASE_IMAGE,
  repoRoot,
  runtimeDir,
  userCopy,
  userImagesDir,
  userNode,
} from './paths.js';

/**
 * The test user's copy of what it runs: the bundle and the TypeScript client (dist/*.js), the shim,
 * test/matlab, test/slurm (a job array's task), the tests' credential helpers, the Python client,
 * the pinned Node and the saved images, readable by everyone and writable by root alone. The
 * checkout may sit where the user cannot read (under /root), as the user's own unzipped copy would not.
 */
const COPIED_FOLDERS = [
  'matlab',
  'test/matlab',
  'test/slurm',
  'test/fixtures/credential-helpers',
  'clients/python',
];
const copyForTheUser = async () => {
  await mkdir(`${userCopy}/dist`, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(`${repoRoot}dist`, { withFileTypes: true }))
    if (entry.isFile() && entry.name.endsWith('.js'))
      await copyFile(`${repoRoot}dist/${entry.name}`, `${userCopy}/dist/${entry.name}`);
  for (const folder of [...COPIED_FOLDERS, 'images'])
    await rm(`${userCopy}/${folder}`, { recursive: true, force: true });
  for (const folder of COPIED_FOLDERS)
    await cp(`${repoRoot}${folder}`, `${userCopy}/${folder}`, { recursive: true });
  await cp(`${runtimeDir}/images`, userImagesDir, { recursive: true });
  await mkdir(`${userCopy}/node/bin`, { recursive: true });
  await copyFile(process.execPath, userNode);
  await chmod(userNode, 0o755);
  // `docker save -o` writes 0600; the user's bridge imports these files.
  await execa('chmod', ['-R', 'u+rwX,go+rX,go-w', userCopy]);
};

/** The user's rootless Podman gets the base image (same ID) in its own store, as root's Podman does. */
const loadBaseIntoUsersPodman = async () => {
  const podman = (...args: string[]) => {
    const { file, args: argv, env, cwd } = asUserCommand(['podman', ...args]);
    return execa(file, argv, { env, extendEnv: false, cwd, reject: false });
  };
  if ((await podman('image', 'exists', BASE_IMAGE)).exitCode === 0) return;
  const loaded = await podman('load', '-i', `${userImagesDir}/base.tar`);
  if (loaded.exitCode !== 0) throw new Error(`The test user's podman load failed: ${loaded.stderr}`);
};

/** After global-setup.ts, for the projects that run as the test user (BST_TEST_USER=1). */
export default async function setup() {
  await copyForTheUser();
  await loadBaseIntoUsersPodman();
}
