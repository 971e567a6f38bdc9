import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { execa } from 'execa';
import {
  BASE_IMAGE,
  BASE_TARBALL,
  binaryPath,
  bridgeCommand,
  bundlePath,
  imageIdFile,
  imagesDir,
  NESTED_IMAGE,
  NESTED_TARBALL,
  NESTED_TARBALL_GZ,
  REGISTRY_IMAGE,
  REGISTRY_NESTED_IMAGE,
  TINY_IMAGE,
  TINY_TARBALL_GZ,
  UNIQUE_IMAGE,
  UNIQUE_TARBALL,
} from './paths.js';

// Images are built with Docker (always running in the tests) and handed to Podman as a tarball.
const docker = async (...args: string[]) => (await execa('docker', args)).stdout.trim();
const dockerOk = async (...args: string[]) => (await execa('docker', args, { reject: false })).exitCode === 0;

const APPLETS = [
  'sh',
  'ls',
  'cat',
  'echo',
  'sleep',
  'kill',
  'ps',
  'true',
  'false',
  'mkdir',
  'rm',
  'grep',
  'wc',
  'id',
  'touch',
  'env',
];
// Prints that it ran, with its arguments: daemon runs must never print this.
const ENTRYPOINT = '["/bin/sh","-c","echo entrypoint-ran \\"$@\\"","entrypoint"]';

/** Every image the tests use is built here from busybox-static: nothing comes from the internet. */
const importBaseImage = async () => {
  if (await dockerOk('image', 'inspect', BASE_IMAGE)) return;
  const root = await mkdtemp(join(tmpdir(), 'bst-rootfs-'));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'tmp'));
  await copyFile('/bin/busybox', join(root, 'bin/busybox'));
  for (const applet of APPLETS) await symlink('busybox', join(root, 'bin', applet));
  await execa('tar', ['-C', root, '-c', '.']).pipe('docker', [
    'import',
    '-c',
    `ENTRYPOINT ${ENTRYPOINT}`,
    '-',
    BASE_IMAGE,
  ]);
  await rm(root, { recursive: true, force: true });
};

const pushToRegistry = async (name: string) => {
  await docker('tag', BASE_IMAGE, name);
  await docker('push', name);
};

/** Saves an image built by `build` to `tarball` (and its ID beside it), then drops it from Docker. */
const saveAndDrop = async (image: string, tarball: string, build: () => Promise<unknown>, gzip = false) => {
  if (existsSync(tarball) && existsSync(imageIdFile(tarball))) return;
  await build();
  const id = await docker('image', 'inspect', '--format', '{{.Id}}', image);
  const saved = execa('docker', ['save', image], { encoding: 'buffer', buffer: false });
  if (gzip) await pipeline(saved.stdout, createGzip({ level: 9 }), createWriteStream(tarball));
  else await pipeline(saved.stdout, createWriteStream(tarball));
  await saved;
  await writeFile(imageIdFile(tarball), id);
  await docker('rmi', '-f', id);
};

const buildUniqueImage = async () => {
  await dockerOk('rm', '-f', 'bst-unique-build');
  await docker(
    'run',
    '--name',
    'bst-unique-build',
    '--entrypoint',
    'sh',
    BASE_IMAGE,
    '-c',
    'head -c 1048576 /dev/urandom > /unique',
  );
  await docker('commit', 'bst-unique-build', UNIQUE_IMAGE);
  await docker('rm', 'bst-unique-build');
};

const buildTinyImage = async () => {
  const root = await mkdtemp(join(tmpdir(), 'bst-tiny-'));
  await writeFile(join(root, 'hello'), 'hello\n');
  await execa('tar', ['-C', root, '-c', 'hello']).pipe('docker', ['import', '-', TINY_IMAGE]);
  await rm(root, { recursive: true, force: true });
};

const saveTarballs = async () => {
  await mkdir(imagesDir, { recursive: true });
  await saveAndDrop(UNIQUE_IMAGE, UNIQUE_TARBALL, buildUniqueImage);
  await saveAndDrop(TINY_IMAGE, TINY_TARBALL_GZ, buildTinyImage, true);
  if (!existsSync(NESTED_TARBALL)) {
    await docker('tag', BASE_IMAGE, NESTED_IMAGE);
    await docker('save', '-o', NESTED_TARBALL, NESTED_IMAGE);
    await docker('rmi', NESTED_IMAGE);
  }
  if (!existsSync(NESTED_TARBALL_GZ)) {
    await pipeline(createReadStream(NESTED_TARBALL), createGzip(), createWriteStream(NESTED_TARBALL_GZ));
  }
  if (!existsSync(BASE_TARBALL)) await docker('save', '-o', BASE_TARBALL, BASE_IMAGE);
};

/** Podman gets the same base image (same ID) through `docker save` and `podman load`. */
const loadBaseIntoPodman = async () => {
  if ((await execa('podman', ['image', 'exists', BASE_IMAGE], { reject: false })).exitCode === 0) return;
  await execa('podman', ['load', '-i', BASE_TARBALL]);
};

export default async function setup() {
  if (!existsSync(bundlePath))
    throw new Error(`Build the bundle first (npm run build): ${bundlePath} is missing`);
  if (bridgeCommand[0] === binaryPath && !existsSync(binaryPath))
    throw new Error(`Build the single executables first (npm run dist): ${binaryPath} is missing`);
  await importBaseImage();
  // Tarballs saved from an earlier base image would hold another image ID.
  const baseId = await docker('image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE);
  const stamp = join(imagesDir, 'base-image-id');
  const savedFrom = await readFile(stamp, 'utf8').catch(() => '');
  if (savedFrom !== baseId) await rm(imagesDir, { recursive: true, force: true });
  await pushToRegistry(REGISTRY_IMAGE);
  await pushToRegistry(REGISTRY_NESTED_IMAGE);
  await saveTarballs();
  await writeFile(stamp, baseId);
  // Always: the engine a project runs on is set for its test files, not for this setup.
  await loadBaseIntoPodman();
}
