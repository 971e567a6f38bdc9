import { join } from 'node:path';

/** Where a Podman service listens: rootful first for root, rootless otherwise (as `podman info` says). */
export const defaultPodmanSockets = (
  env: NodeJS.ProcessEnv = process.env,
  isRoot = process.getuid?.() === 0,
): string[] => {
  const rootful = '/run/podman/podman.sock';
  const rootless = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podman/podman.sock') : undefined;
  const order = isRoot ? [rootful, rootless] : [rootless, rootful];
  return order.filter((socket): socket is string => socket !== undefined);
};
