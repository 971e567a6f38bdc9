import { readdirSync, readFileSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ownUid } from '../shared/user-places.js';
import { readsFormat, TEMP_MARK_FORMAT } from './format.js';
import { currentSession, isThisHost } from './session.js';
import { SessionJudge } from './session-judge.js';
import { currentSlurmJob, readSlurmJob, type SlurmJob } from './slurm-job.js';

/** Every temporary folder the bridge makes starts with this and holds a MARK_FILE. */
export const TEMP_PREFIX = 'bst-containers-';
const MARK_FILE = '.bst-containers-session';

interface TempMark {
  session: string;
  /** A process the folder belongs to (a private Podman service), ended with it. */
  servicePid?: number;
  /** The bridge's Slurm job: a SIF store's scratch on a shared file system is judged by it from another node. */
  slurmJob?: SlurmJob;
}

/** Records which bridge owns `folder`, so that `prune` can tell a leftover from work in progress. */
export const markTempFolder = (folder: string, servicePid?: number): Promise<void> => {
  const job = currentSlurmJob();
  return writeFile(
    join(folder, MARK_FILE),
    JSON.stringify({
      format: TEMP_MARK_FORMAT,
      session: currentSession(),
      servicePid,
      ...(job ? { slurmJob: job.id } : {}),
      ...(job?.cluster ? { slurmCluster: job.cluster } : {}),
    }),
  );
};

/** Whether the folder is this user's: a shared temp folder holds other users' too, not theirs to remove. */
const isOwn = (folder: string): boolean => {
  const uid = ownUid();
  try {
    return uid === undefined || statSync(folder).uid === uid;
  } catch {
    return false;
  }
};

/** The folder's mark, if it has one in a format this bridge reads (a newer bridge's is left alone). */
const readMark = (folder: string): TempMark | undefined => {
  try {
    const mark = JSON.parse(readFileSync(join(folder, MARK_FILE), 'utf8'));
    const { format, session, servicePid, slurmJob, slurmCluster } = mark ?? {};
    if (!readsFormat(format, TEMP_MARK_FORMAT) || typeof session !== 'string') return undefined;
    const job = readSlurmJob(slurmJob, slurmCluster);
    const read: TempMark = job ? { session, slurmJob: job } : { session };
    if (servicePid === undefined) return read;
    return Number.isInteger(servicePid) && servicePid > 0 ? { ...read, servicePid } : undefined;
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

/** How long a dead session's service has to end on SIGTERM before it is killed. */
const SERVICE_GRACE_MS = 2000;
const FIRST_LOOK_MS = 5;

/**
 * Waits, up to SERVICE_GRACE_MS, until `pid` is no longer the service of `folder`. The service is
 * not our child (its bridge died): Node cannot be told when another process ends (no pidfd, no
 * waitid on a non-child, no inotify on /proc), and the service's socket closes during its
 * shutdown, before it exits. So this looks at /proc, at doubling intervals: soon after a service
 * that ends at once, and no more than a dozen times for one that takes the whole grace.
 */
const serviceEnded = async (pid: number, folder: string): Promise<boolean> => {
  const deadline = Date.now() + SERVICE_GRACE_MS;
  for (let interval = FIRST_LOOK_MS; commandLine(pid).includes(folder); interval *= 2) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(interval, left));
  }
  return true;
};

/** Ends a dead session's service, if that PID is still the service of this folder (not a reused PID). */
const stopService = async (pid: number, folder: string): Promise<void> => {
  if (!commandLine(pid).includes(folder)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await serviceEnded(pid, folder))) process.kill(pid, 'SIGKILL');
};

export interface TempLeftovers {
  folders: string[];
  servicePids: number[];
}

/** Finds (and unless `dryRun`, removes) the temporary folders of bridges that no longer run. */
export const pruneTempFolders = async (
  roots: string[],
  dryRun: boolean,
  judge = new SessionJudge(),
): Promise<TempLeftovers> => {
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
      if (!isOwn(folder)) continue;
      const mark = readMark(folder);
      if (!mark || (await judge.state(mark.session, mark.slurmJob)) !== 'dead') continue;
      found.folders.push(folder);
      // Another node's service is not this node's process of that PID.
      const servicePid = isThisHost(mark.session) ? mark.servicePid : undefined;
      if (servicePid && commandLine(servicePid).includes(folder)) found.servicePids.push(servicePid);
      if (dryRun) continue;
      if (servicePid) await stopService(servicePid, folder);
      await rm(folder, { recursive: true, force: true });
    }
  }
  return found;
};
