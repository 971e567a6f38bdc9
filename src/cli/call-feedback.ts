import type { OutputStream, Progress, ProgressUpdate } from '../shared/work-context.js';
import { noProgress } from '../shared/work-context.js';

/**
 * What `call` shows on stderr while it works: `tty`, a progress bar redrawn in place and the
 * command's live output, as `docker pull` and `docker exec` do; `plain`, one line per step and the
 * output, for logs; `errors`, nothing but errors (stderr is not a terminal); `quiet`, nothing.
 */
export type FeedbackMode = 'tty' | 'plain' | 'errors' | 'quiet';

export interface Feedback {
  progress: Progress;
  output: (stream: OutputStream, text: string) => undefined;
  /** Ends a bar still drawn, so that what follows starts on its own line. */
  finish(): void;
}

const BAR_WIDTH = 24;
/** Plain lines are written at most this often, unless the step or a tenth of the work changed. */
const PLAIN_EVERY_MS = 2000;

const size = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
};

const percentOf = (update: ProgressUpdate): number | undefined =>
  update.bytes !== undefined && update.totalBytes
    ? Math.min(100, Math.floor((100 * update.bytes) / update.totalBytes))
    : undefined;

/** `45% 12.0 MiB/27.0 MiB 4.1 MiB/s`, with what is known. */
const amounts = (update: ProgressUpdate, seconds: number): string => {
  const parts: string[] = [];
  const percent = percentOf(update);
  if (percent !== undefined) parts.push(`${percent}%`);
  if (update.bytes !== undefined)
    parts.push(update.totalBytes ? `${size(update.bytes)}/${size(update.totalBytes)}` : size(update.bytes));
  if (update.bytes !== undefined && seconds > 0) parts.push(`${size(update.bytes / seconds)}/s`);
  return parts.join(' ');
};

const bar = (percent: number | undefined): string => {
  if (percent === undefined) return '';
  const done = Math.round((BAR_WIDTH * percent) / 100);
  return `[${'#'.repeat(done)}${'-'.repeat(BAR_WIDTH - done)}] `;
};

export const createFeedback = (mode: FeedbackMode, write: (text: string) => void): Feedback => {
  if (mode === 'errors' || mode === 'quiet')
    return { progress: noProgress, output: () => undefined, finish: () => {} };
  let title = '';
  let started = 0;
  let last: ProgressUpdate = {};
  let drawn = false;
  let lastLine = 0;
  let lastStep: string | undefined;
  let lastTenth: number | undefined;
  const seconds = () => (Date.now() - started) / 1000;
  const line = (update: ProgressUpdate) =>
    [title, update.message, amounts(update, seconds())].filter(Boolean).join(': ');
  const draw = (update: ProgressUpdate) => {
    if (mode === 'tty') {
      write(`\r\u001b[K${bar(percentOf(update))}${line(update)}`);
      drawn = true;
      return;
    }
    const tenth = Math.floor((percentOf(update) ?? 0) / 10);
    const now = Date.now();
    if (update.message === lastStep && tenth === lastTenth && now - lastLine < PLAIN_EVERY_MS) return;
    lastStep = update.message;
    lastTenth = tenth;
    lastLine = now;
    write(`${line(update)}\n`);
  };
  const finish = () => {
    if (drawn) write('\n');
    drawn = false;
  };
  return {
    progress: {
      begin(text, update = {}) {
        title = text;
        started = Date.now();
        last = update;
        draw(update);
      },
      report(update) {
        last = { ...last, ...update };
        draw(last);
      },
      end(message) {
        const done = last.totalBytes !== undefined ? { ...last, bytes: last.totalBytes } : last;
        if (mode === 'tty') draw({ ...done, message: message ?? 'done' });
        else write(`${[title, message ?? 'done', amounts(done, seconds())].filter(Boolean).join(': ')}\n`);
        finish();
      },
    },
    output: (_stream, text) => {
      finish();
      write(text);
      return undefined;
    },
    finish,
  };
};
