import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A bridge process, named so that another process can tell later whether it still runs:
 * `host/pid/start`, where `start` is the process's start time in clock ticks (Linux), which a
 * reused PID does not share, or `-` where the system does not tell it.
 */
export type SessionState = 'alive' | 'dead' | 'unknown';

const startTicks = (pid: number | 'self'): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: count fields after its last `)`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
};

const hasProcess = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

let current: string | undefined;
export const currentSession = (): string => {
  current ??= `${hostname()}/${process.pid}/${startTicks('self') ?? '-'}`;
  return current;
};

const SESSION = /^(.+)\/(\d+)\/(\d+|-)$/;

/** Whether `session` is of a bridge on this host: its PID is one of this host's processes. */
export const isThisHost = (session: string | undefined): boolean =>
  SESSION.exec(session ?? '')?.[1] === hostname();

/** Whether the bridge that wrote `session` still runs; another host's sessions cannot be told. */
export const sessionState = (session: string | undefined): SessionState => {
  const match = SESSION.exec(session ?? '');
  if (!match || match[1] !== hostname()) return 'unknown';
  const pid = Number(match[2]);
  if (match[3] === '-') return hasProcess(pid) ? 'alive' : 'dead';
  return startTicks(pid) === match[3] ? 'alive' : 'dead';
};
