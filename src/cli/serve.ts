import { setTimeout as delay } from 'node:timers/promises';
import { currentSlurmJob } from '../leftovers/slurm-job.js';
import { LineIntake } from '../protocol/line-intake.js';
import { startServer } from '../protocol/server.js';
import { EXIT_GRACE_MS } from '../protocol/shutdown-timing.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { NdjsonReader } from '../transport/ndjson-reader.js';
import { NdjsonWriter } from '../transport/ndjson-writer.js';
import { jobEnding } from './job-end.js';
import { createRuntime } from './runtime.js';

const INTERNAL_FAULT_EXIT_CODE = 70;

/** Whatever a dependency prints must not corrupt the protocol stream on stdout. */
const keepConsoleOffStdout = (log: Logger) => {
  for (const name of ['log', 'info', 'debug', 'warn'] as const) {
    console[name] = (...args: unknown[]) => log.debug(args.map(String).join(' '));
  }
};

export const serve = async (verbose: boolean): Promise<void> => {
  const log = createLogger(verbose);
  keepConsoleOffStdout(log);
  const runtime = createRuntime(log);
  const writer = new NdjsonWriter(process.stdout);
  const intake = new LineIntake((reply) => void writer.write(reply));
  const reader = new NdjsonReader(process.stdin, intake);
  const { closed, failAll } = startServer({ reader, writer, intake, dispatcher: runtime.dispatcher, log });
  // A throw where nothing can catch it (a library's socket handler): the state is unknown, so the
  // bridge says so to every caller and exits; the shim starts a fresh one on the next call.
  let faulted = false;
  const onFault = (error: unknown) => {
    process.stderr.write(`bst-containers: internal fault: ${(error as Error)?.stack ?? String(error)}\n`);
    if (faulted) return;
    faulted = true;
    setTimeout(() => process.exit(INTERNAL_FAULT_EXIT_CODE), EXIT_GRACE_MS).unref();
    void failAll(error)
      .then(() => Promise.race([runtime.engines.close(), delay(EXIT_GRACE_MS / 2)]))
      .finally(() => process.exit(INTERNAL_FAULT_EXIT_CODE));
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  const inJob = currentSlurmJob() !== undefined;
  // Once: a second caller would find the engines already closing and exit before they are closed.
  let exiting = false;
  const exit = () => {
    if (exiting || faulted) return;
    exiting = true;
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    void closed.then(() => runtime.engines.close()).finally(() => process.exit(0));
  };
  const endOfJob = jobEnding({
    engines: runtime.engines,
    log,
    endInput: () => reader.end(),
    answered: closed,
    faulted: () => faulted,
  });
  /** SIGTERM (scancel, the time limit), SIGHUP, or a client that no longer reads: time is short. */
  const stop = inJob ? () => endOfJob(true) : exit;
  // A Ctrl+C typed in the client's terminal (MATLAB's, Octave's) reaches its whole process group:
  // the client cancels its call itself, and the bridge stays for the next one.
  process.on('SIGINT', () =>
    log.debug('SIGINT ignored: clients cancel calls, and closing stdin ends the bridge'),
  );
  process.stdin.on('close', inJob ? () => endOfJob(false) : exit);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  process.stdout.on('error', inJob ? stop : () => process.exit(0));
  // A client that is gone takes the bridge's stderr with it: what is logged after is lost, and the
  // bridge goes on ending (a write error would otherwise be a fault, and skip a job's removals).
  process.stderr.on('error', () => {});
  await closed;
  if (inJob) endOfJob(false);
  else exit();
};
