import { readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { currentSession, sessionState } from './session.js';

/** Every temporary folder the bridge makes starts with this and holds a MARK_FILE. */
export const TEMP_PREFIX = 'bst-containers-';
const MARK_FILE = '.bst-containers-session';

interface TempMark {
  session: string;
  /** A process the folder belongs to (a private Podman service), ended with it. */
  servicePid?: number;
}

/** Records which bridge owns `folder`, so that `prune` can tell a leftover from work in progress. */
export const markTempFolder = (folder: string, servicePid?: number): Promise<void> =>
  writeFile(
    join(folder, MARK_FILE),
    JSON.stringify({ session: currentSession(), servicePid } satisfies TempMark),
  );

const readMark = (folder: string): TempMark | undefined => {
  try {
    const mark = JSON.parse(readFileSync(join(folder, MARK_FILE), 'utf8')) as TempMark;
    return typeof mark.session === 'string' ? mark : undefined;
  } catch {
    return undefined;
  }
};

const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** Ends a dead session's service, if that PID is still the service of this folder (not a reused PID). */
const stopService = async (pid: number, folder: string): Promise<boolean> => {
  if (!commandLine(pid).includes(folder)) return false;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 2000 && commandLine(pid).includes(folder); waited += 50) await delay(50);
  if (commandLine(pid).includes(folder)) process.kill(pid, 'SIGKILL');
  return true;
};

export interface TempLeftovers {
  folders: string[];
  servicePids: number[];
}

/** Finds (and unless `dryRun`, removes) the temporary folders of bridges that no longer run. */
export const pruneTempFolders = async (roots: string[], dryRun: boolean): Promise<TempLeftovers> => {
  const found: TempLeftovers = { folders: [], servicePids: [] };
  for (const root of new Set(roots)) {
    let names: string[];
    try {
      names = readdirSync(root).filter((name) => name.startsWith(TEMP_PREFIX));
    } catch {
      continue;
    }
    for (const name of names) {
      const folder = join(root, name);
      const mark = readMark(folder);
      if (!mark || sessionState(mark.session) !== 'dead') continue;
      found.folders.push(folder);
      if (mark.servicePid && commandLine(mark.servicePid).includes(folder))
        found.servicePids.push(mark.servicePid);
      if (dryRun) continue;
      if (mark.servicePid) await stopService(mark.servicePid, folder);
      await rm(folder, { recursive: true, force: true });
    }
  }
  return found;
};
