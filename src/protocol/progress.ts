import type { Progress, ProgressUpdate } from '../shared/work-context.js';
import { noProgress } from '../shared/work-context.js';

export type ProgressToken = string | number;

export type ProgressSender = (token: ProgressToken, value: Record<string, unknown>) => void;

const REPORT_INTERVAL_MS = 200;

const describe = (update: ProgressUpdate): Record<string, unknown> => {
  const value: Record<string, unknown> = {};
  if (update.message !== undefined) value.message = update.message;
  if (update.bytes !== undefined) value.bytes = update.bytes;
  if (update.totalBytes !== undefined) {
    value.totalBytes = update.totalBytes;
    if (update.bytes !== undefined && update.totalBytes > 0) {
      value.percentage = Math.min(100, Math.floor((100 * update.bytes) / update.totalBytes));
    }
  }
  return value;
};

/** LSP-style work-done progress (`$/progress`): one `begin`, throttled `report`s, one `end`. */
export const createProgress = (token: ProgressToken | undefined, send: ProgressSender): Progress => {
  if (token === undefined) return noProgress;
  let started = false;
  let ended = false;
  let lastReport = 0;
  let lastPercentage: unknown;
  return {
    begin(title, update = {}) {
      if (started) return;
      started = true;
      send(token, { kind: 'begin', title, cancellable: true, ...describe(update) });
    },
    report(update) {
      if (!started || ended) return;
      const value = describe(update);
      const now = Date.now();
      if (now - lastReport < REPORT_INTERVAL_MS && value.percentage === lastPercentage) return;
      lastReport = now;
      lastPercentage = value.percentage;
      send(token, { kind: 'report', ...value });
    },
    end(message) {
      if (!started || ended) return;
      ended = true;
      send(token, { kind: 'end', ...(message === undefined ? {} : { message }) });
    },
  };
};
