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
