import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface SessionParts {
  host: string;
  pid: number;
  start: string;
}

/**
 * A process's session as the test writes it down, `HOST/PID/START`: proc(5) numbers the fields of
 * /proc/PID/stat from 1, field 2 being the command name in parentheses and field 22 the start
 * time in clock ticks.
 */
export const sessionOf = (pid: number): SessionParts & { session: string } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = afterName[22 - 3] as string;
  return { host: hostname(), pid, start, session: `${hostname()}/${pid}/${start}` };
};

/** The session of a process the test started and ended: a bridge that no longer runs. */
export const endedSession = async (): Promise<SessionParts & { session: string }> => {
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  const ended = sessionOf(sleeper.pid as number);
  sleeper.kill('SIGKILL');
  await once(sleeper, 'exit');
  return ended;
};

/** The session of a process that runs until `stop()`: a bridge that still runs. */
export const liveSession = async (): Promise<SessionParts & { session: string; stop: () => void }> => {
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  return { ...sessionOf(sleeper.pid as number), stop: () => sleeper.kill('SIGKILL') };
};

/** Fills a fixture's `{{NAME}}` placeholders. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`No value for {{${name}}}`);
    return String(values[name]);
  });

/** A session's parts as the fixtures' `{{HOST}}/{{PID}}/{{START}}`. */
export const sessionPlaceholders = ({ host, pid, start }: SessionParts) => ({
  HOST: host,
  PID: pid,
  START: start,
});
