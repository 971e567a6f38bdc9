import { readlink } from 'node:fs/promises';
import { execa } from 'execa';
import { asCaller, type Command } from './paths.js';

/**
 * Runs a command in a private mount namespace where `folder` is an empty tmpfs: what lived there
 * (the engines' sockets under /run) cannot be found. Absolute paths: tests may empty the PATH.
 */
export const withEmptyFolder = (folder: string): string[] => [
  '/usr/bin/unshare',
  '--mount',
  '--propagation',
  'private',
  '/bin/sh',
  '-c',
  `/bin/mount -t tmpfs tmpfs ${folder} && exec "$@"`,
  'sh',
];

/** No Docker or Podman socket anywhere. */
export const WITHOUT_SOCKETS = withEmptyFolder('/run');
/** Podman installed, but no service on its default socket. */
export const WITHOUT_PODMAN_SERVICE = withEmptyFolder('/run/podman');

/**
 * Runs a command with `folder` read-only, no network and no engine socket, starting in `cwd`:
 * private mount and network namespaces (a fresh network namespace has only a loopback that is
 * down), `folder` bind-mounted read-only onto itself (root ignores file modes, not a read-only
 * mount), and /run an empty tmpfs. The paths go in as arguments, never into the script.
 */
export const readOnlyOffline = (folder: string, cwd: string): string[] => [
  '/usr/bin/unshare',
  '--mount',
  '--net',
  '--propagation',
  'private',
  '/bin/sh',
  '-c',
  '/bin/mount --bind "$1" "$1" && /bin/mount -o remount,bind,ro "$1" && /bin/mount -t tmpfs tmpfs /run && cd "$2" && shift 2 && exec "$@"',
  'sh',
  folder,
  cwd,
];

/**
 * `argv` run as the caller (paths.ts asCaller: the test user when BST_TEST_USER=1) in a private
 * mount namespace where `folder` is an empty tmpfs that anyone may write to (tmpfs's default mode,
 * 1777): what the program creates there stays in its namespace, and what this machine has or
 * creates there (a remote engine's side, when the remote is this machine) is not seen from it.
 * Root mounts the tmpfs, then setpriv drops to the user; the process keeps its pid throughout.
 */
export const asCallerInPrivateMount = (
  folder: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Command => {
  const caller = asCaller(argv, env);
  const [unshare, ...prefix] = withEmptyFolder(folder);
  return { ...caller, file: unshare as string, args: [...prefix, caller.file, ...caller.args] };
};

/**
 * What exists under `folder` as the process `pid` sees it (paths relative to `folder`, sorted):
 * from inside its mount namespace. Throws while `pid` still shares this process's namespace (it
 * has not reached its program yet): the listing would be this machine's.
 */
export const filesInMountOf = async (pid: number, folder: string): Promise<string[]> => {
  if ((await readlink(`/proc/${pid}/ns/mnt`)) === (await readlink('/proc/self/ns/mnt')))
    throw new Error(`process ${pid} is not in a mount namespace of its own (yet)`);
  const { stdout } = await execa('/usr/bin/nsenter', [
    '--target',
    String(pid),
    '--mount',
    '--',
    '/usr/bin/find',
    folder,
    '-mindepth',
    '1',
    '-printf',
    '%P\\n',
  ]);
  return stdout.split('\n').filter(Boolean).sort();
};
