import { readFileSync } from 'node:fs';

/** Running, not a zombie: an orphan that exited may wait a while for a reaper that is not us. */
export const isRunning = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};
