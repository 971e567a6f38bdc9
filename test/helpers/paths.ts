import { createHash } from 'node:crypto';
import { chown, mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryName, isHostTarget, TARGETS } from '../../release/targets.js';
import { AS_USER, setprivArgs, testUser, userEnv } from './test-user.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const bundlePath = `${repoRoot}dist/bst-containers.js`;
const hostTarget = TARGETS.find(isHostTarget);
/** This machine's single executable, as `npm run dist` names it (on a platform with none: a name no file has). */
export const binaryPath = `${repoRoot}dist/bin/${hostTarget ? binaryName(hostTarget) : `no-single-executable-for-${process.platform}-${process.arch}`}`;
/**
 * How the tests start the bridge: the pinned Node and the bundle, or with BST_TEST_BRIDGE=binary
 * the single executable, so that the same suites run against what users get.
 */
/**
 * What the test user runs (BST_TEST_USER=1), copied there by the global setup: the checkout may
 * sit where the user cannot read (under /root), as a user's own copy of the zip would not.
 * One folder per checkout, outside any home.
 */
export const userCopy = `/var/lib/bst-containers-test/as-user/${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}`;
/** The pinned Node in the user's copy, first on the user's PATH (the shim's fallback finds it there). */
export const userNode = `${userCopy}/node/bin/node`;
const USER_PATH = `${userCopy}/node/bin:/usr/local/bin:/usr/bin:/bin`;
/** The PATH the caller's programs get: to put a stand-in program first. */
export const callerPath = AS_USER ? USER_PATH : (process.env.PATH ?? '');
/** Where the caller's programs are (the shim, test/matlab, the Python client): the checkout, or the user's copy. */
export const shimRoot = AS_USER ? `${userCopy}/` : repoRoot;
export const bridgeCommand: readonly [string, ...string[]] = AS_USER
  ? [userNode, `${userCopy}/dist/bst-containers.js`]
  : process.env.BST_TEST_BRIDGE === 'binary'
    ? [binaryPath]
    : [process.execPath, bundlePath];
/** The Node that runs the bridge, for stand-ins that wrap it. */
export const bridgeNode = AS_USER ? userNode : process.execPath;

export interface Command {
  file: string;
  args: string[];
  /** The whole environment (never merged with this process's). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
}
/**
 * How the tests start a program the caller runs (the bridge, Octave, the engine's CLI): as this
 * process does, or with BST_TEST_USER=1 as the test user, with a login's environment (HOME,
 * USER, XDG_RUNTIME_DIR, PATH), the test run's BST_ variables and `env`, in its home.
 */
export const asCaller = (argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command =>
  AS_USER
    ? asUserCommand(argv, env)
    : { file: argv[0] as string, args: argv.slice(1), env: { ...process.env, ...env } };

/** A program run as the test user, with a login's environment, the test run's BST_ variables and `env`, in its home. */
export const asUserCommand = (argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command => ({
  file: 'setpriv',
  args: [...setprivArgs(), ...argv],
  env: userEnv(USER_PATH, env),
  cwd: testUser().home,
});

/** Gives a folder the test made, and everything in it, to the caller (the test user, when one). */
export const giveToCaller = async (path: string): Promise<void> => {
  if (!AS_USER) return;
  const { uid, gid } = testUser();
  await chown(path, uid, gid);
  if (!(await stat(path)).isDirectory()) return;
  for (const entry of await readdir(path, { recursive: true })) await chown(join(path, entry), uid, gid);
};

/** A fresh folder in the temp folder that belongs to the caller, as the caller's own would. */
export const callerTempDir = async (prefix: string): Promise<string> => {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  await giveToCaller(folder);
  return folder;
};
/** The bridge's argv for a command line (`--version`, `doctor`, ...): file and arguments. */
export const bridgeArgv = (...args: string[]): [string, string[]] => [
  bridgeCommand[0],
  [...bridgeCommand.slice(1), ...args],
];
export const runtimeDir = `${repoRoot}.test-runtime`;
/** The saved images; for the test user in its copy, readable by it (the bridge imports them as files). */
export const userImagesDir = `${userCopy}/images`;
export const imagesDir = AS_USER ? userImagesDir : `${runtimeDir}/images`;

export const REGISTRY = 'localhost:5000';
/** Imported from busybox-static; its ENTRYPOINT prints `entrypoint-ran` and its arguments. */
export const BASE_IMAGE = 'bst-test/busybox:1';
/** The base image as `docker save` wrote it, for engines that start empty. */
export const BASE_TARBALL = `${imagesDir}/base.tar`;
export const REGISTRY_IMAGE = `${REGISTRY}/bst/busybox:1`;
export const REGISTRY_NESTED_IMAGE = `${REGISTRY}/bst/tools/busybox:2`;
/** Saved with `docker save`: a name with `/` (the seed failed on it when loading from a URL). */
export const NESTED_IMAGE = 'bst-test/nested/busybox:1';
export const NESTED_TARBALL = `${imagesDir}/nested.tar`;
export const NESTED_TARBALL_GZ = `${imagesDir}/nested.tar.gz`;
/** An image no engine holds (its own random layer), saved with `docker save`: a failed import must leave no trace of it. */
export const UNIQUE_TARBALL = `${imagesDir}/unique.tar`;
export const UNIQUE_IMAGE = 'bst-test/unique-url:1';
/** A one-file image, `docker save | gzip -9`: under 1 KiB, to trickle byte by byte. */
export const TINY_TARBALL_GZ = `${imagesDir}/tiny.tar.gz`;
export const TINY_IMAGE = 'bst-test/tiny:1';
/** `<tarball>.id`: the image ID of each saved image that no engine keeps. */
export const imageIdFile = (tarball: string) => `${tarball}.id`;
