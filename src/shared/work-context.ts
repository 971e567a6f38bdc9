// What long work (a pull, a download, a command) is given by whoever asked for it: the engines and
// the download know these types and nothing of the protocol that carries them to a client.

export interface ProgressUpdate {
  message?: string;
  /** Bytes done and, when known, the total: percentage is derived from them. */
  bytes?: number;
  totalBytes?: number;
}

/** Work-done progress: one `begin`, `report`s, one `end`. */
export interface Progress {
  begin(title: string, update?: ProgressUpdate): void;
  report(update: ProgressUpdate): void;
  end(message?: string): void;
}

export const noProgress: Progress = { begin: () => {}, report: () => {}, end: () => {} };

export type OutputStream = 'stdout' | 'stderr';

export interface WorkContext {
  signal: AbortSignal;
  progress: Progress;
  /**
   * Output of a command as it arrives, for clients that echo it live. Settles when the client
   * has room for more: a reader of engine output waits for it, so a slow client slows the
   * stream rather than filling the bridge's memory.
   */
  output: (stream: OutputStream, text: string) => Promise<void> | undefined;
}
