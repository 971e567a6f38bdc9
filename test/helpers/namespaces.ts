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
