import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';

/**
 * Where the bridge keeps what lives only while it runs (a private Podman service's socket): the
 * user's own XDG_RUNTIME_DIR (0700, the user's, emptied at logout) when it has one, else the
 * system temp folder.
 */
export const runtimeRoot = (env: NodeJS.ProcessEnv = process.env): string => {
  const folder = env.XDG_RUNTIME_DIR;
  if (!folder || !isAbsolute(folder)) return tmpdir();
  try {
    return statSync(folder).isDirectory() ? folder : tmpdir();
  } catch {
    return tmpdir();
  }
};

/** The bridge's own user id, where the system has one (not on Windows). */
export const ownUid = (): number | undefined => process.getuid?.();
