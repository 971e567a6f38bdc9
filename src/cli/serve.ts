import { startServer } from '../protocol/server.js';
import { createLogger } from '../shared/logger.js';
import { createRuntime } from './runtime.js';

/** Time allowed for in-flight work to cancel (an exec kill, a temp file removal) once stdin closes. */
const EXIT_GRACE_MS = 900;

export const serve = async (verbose: boolean): Promise<void> => {
  const log = createLogger(verbose);
  // Whatever a dependency prints must not corrupt the protocol stream on stdout.
  for (const name of ['log', 'info', 'debug', 'warn'] as const) {
    console[name] = (...args: unknown[]) => log.debug(args.map(String).join(' '));
  }
  const runtime = createRuntime();
  const { closed } = startServer({ input: process.stdin, output: process.stdout, log, ...runtime });
  process.stdout.on('error', () => process.exit(0));
  // Once: a second caller would find the engines already closing and exit before they are closed.
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    void closed.then(() => runtime.engines.close()).finally(() => process.exit(0));
  };
  process.stdin.on('close', exit);
  process.on('SIGTERM', exit);
  process.on('SIGHUP', exit);
  await closed;
  exit();
};
