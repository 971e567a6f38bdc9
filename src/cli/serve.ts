import { setTimeout as delay } from 'node:timers/promises';
import { startServer } from '../protocol/server.js';
import { createLogger } from '../shared/logger.js';
import { createRuntime } from './runtime.js';

const INTERNAL_FAULT_EXIT_CODE = 70;

const internalFaultMessage = (error: unknown) =>
  `The bst-containers bridge stopped on an internal fault (${(error as Error)?.message ?? String(error)}); ` +
  'it will be started again on the next call. Retry; if it happens again, send its log (stderr) to the developers.';

/** Time allowed for in-flight work to cancel (an exec kill, a temp file removal) once stdin closes. */
const EXIT_GRACE_MS = 900;

export const serve = async (verbose: boolean): Promise<void> => {
  const log = createLogger(verbose);
  // Whatever a dependency prints must not corrupt the protocol stream on stdout.
  for (const name of ['log', 'info', 'debug', 'warn'] as const) {
    console[name] = (...args: unknown[]) => log.debug(args.map(String).join(' '));
  }
  const runtime = createRuntime();
  const { closed, failAll } = startServer({ input: process.stdin, output: process.stdout, log, ...runtime });
  // A throw where nothing can catch it (a library's socket handler): the state is unknown, so the
  // bridge says so to every caller and exits; the shim starts a fresh one on the next call.
  let faulted = false;
  const onFault = (error: unknown) => {
    process.stderr.write(`bst-containers: internal fault: ${(error as Error)?.stack ?? String(error)}\n`);
    if (faulted) return;
    faulted = true;
    setTimeout(() => process.exit(INTERNAL_FAULT_EXIT_CODE), EXIT_GRACE_MS).unref();
    void failAll(internalFaultMessage(error))
      .then(() => Promise.race([runtime.engines.close(), delay(EXIT_GRACE_MS / 2)]))
      .finally(() => process.exit(INTERNAL_FAULT_EXIT_CODE));
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  process.stdout.on('error', () => process.exit(0));
  // Once: a second caller would find the engines already closing and exit before they are closed.
  let exiting = false;
  const exit = () => {
    if (exiting || faulted) return;
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
