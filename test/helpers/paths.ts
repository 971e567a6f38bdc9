import { fileURLToPath } from 'node:url';
import { binaryName, isHostTarget, TARGETS } from '../../release/targets.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const bundlePath = `${repoRoot}dist/bst-containers.js`;
const hostTarget = TARGETS.find(isHostTarget);
/** This machine's single executable, as `npm run dist` names it (on a platform with none: a name no file has). */
export const binaryPath = `${repoRoot}dist/bin/${hostTarget ? binaryName(hostTarget) : `no-single-executable-for-${process.platform}-${process.arch}`}`;
/**
 * How the tests start the bridge: the pinned Node and the bundle, or with BST_TEST_BRIDGE=binary
 * the single executable, so that the same suites run against what users get.
 */
export const bridgeCommand: readonly [string, ...string[]] =
  process.env.BST_TEST_BRIDGE === 'binary' ? [binaryPath] : [process.execPath, bundlePath];
/** The bridge's argv for a command line (`--version`, `doctor`, ...): file and arguments. */
export const bridgeArgv = (...args: string[]): [string, string[]] => [
  bridgeCommand[0],
  [...bridgeCommand.slice(1), ...args],
];
export const runtimeDir = `${repoRoot}.test-runtime`;
export const imagesDir = `${runtimeDir}/images`;

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
