/** Logs go to stderr only: stdout carries protocol messages and nothing else. */
export interface Logger {
  debug(message: string): void;
  error(message: string): void;
}

export const createLogger = (verbose: boolean): Logger => ({
  debug: (message) => {
    if (verbose) process.stderr.write(`[bst-containers] ${message}\n`);
  },
  error: (message) => process.stderr.write(`[bst-containers] ${message}\n`),
});
