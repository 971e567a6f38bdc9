import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentSession, sessionState } from './session.js';

const POLL_MS = 50;

/**
 * This user's lock folder: its runtime folder (private, wiped at logout), else the temp folder
 * (a batch job on another node may carry an XDG_RUNTIME_DIR that does not exist there).
 */
const lockFolder = (env: NodeJS.ProcessEnv = process.env): string => {
  const places = [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'bst-containers', 'locks')] : []),
    join(tmpdir(), `bst-containers-locks-${process.getuid?.() ?? 'user'}`),
  ];
  for (const folder of places) {
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      return folder;
    } catch {}
  }
  return places.at(-1) as string;
};

/** Takes the lock file if free, else answers false; a lock of a bridge that no longer runs is taken over. */
const tryTake = async (path: string): Promise<boolean> => {
  try {
    const file = await open(path, 'wx', 0o600);
    await file.writeFile(currentSession());
    await file.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = await readFile(path, 'utf8').catch(() => undefined);
  // Written between our open and read, or being written: look again next time.
  if (holder === undefined || holder === '') return false;
  if (sessionState(holder) === 'dead') await unlink(path).catch(() => {});
  return false;
};

/** The file that holds the lock named `key`. */
export const nameLockPath = (key: string, env?: NodeJS.ProcessEnv): string =>
  join(lockFolder(env), `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);

/**
 * Runs `work` while holding a lock named `key` that every bridge of this user on this machine
 * respects: what one bridge decides from the engine's state (which names an import added) stays
 * true until it has acted on it. A bridge that died holding it does not block the others. Waiting
 * ends with `signal`.
 */
export const withNameLock = async <T>(
  key: string,
  signal: AbortSignal,
  work: () => Promise<T>,
  env?: NodeJS.ProcessEnv,
): Promise<T> => {
  const path = nameLockPath(key, env);
  while (!(await tryTake(path))) {
    signal.throwIfAborted();
    await sleep(POLL_MS, undefined, { signal }).catch(() => {});
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => {});
  }
};
