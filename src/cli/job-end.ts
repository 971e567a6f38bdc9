import { setTimeout as delay } from 'node:timers/promises';
import type { EngineSelector } from '../engines/engine-selector.js';
import { EXIT_GRACE_MS, JOB_END_MS } from '../protocol/shutdown-timing.js';
import type { Logger } from '../shared/logger.js';

const until = (deadline: number) => delay(Math.max(0, deadline - Date.now()));

/**
 * Removes what this bridge started on each engine it found (its containers, its instances),
 * giving up at `deadline` (a Date.now() time): every removal has been sent by then, and Docker
 * and Podman finish a removal whose caller went away.
 */
const removeWhatWasStarted = async (
  engines: EngineSelector,
  log: Logger,
  deadline: number,
): Promise<void> => {
  const work = async () => {
    const found = await engines.connected();
    const results = await Promise.allSettled(found.map((engine) => engine.removeStarted()));
    results.forEach((result, index) => {
      const engine = found[index]?.name;
      if (result.status === 'fulfilled')
        log.debug(`job end: removed on ${engine}: ${result.value.join(', ')}`);
      else log.debug(`job end: could not remove on ${engine}: ${String(result.reason)}`);
    });
  };
  await Promise.race([work(), until(deadline)]);
};

export interface JobEndOptions {
  engines: EngineSelector;
  log: Logger;
  /** Stops reading the client, as if its input had ended. */
  endInput: () => void;
  /** Settles once every request read has been answered. */
  answered: Promise<void>;
  /** The bridge is already going down on an internal fault. */
  faulted: () => boolean;
}

/**
 * How a bridge inside a Slurm job ends. Nothing may outlive it: nothing of the job remains to
 * remove what it leaves, and the engine's containers are not processes of the job, which Slurm
 * would end. Slurm ends a job (scancel, its time limit, the end of its batch script) with SIGTERM
 * to each of its processes, the bridge and its client alike, then SIGKILL KillWait later.
 *
 * `end(true)` (SIGTERM, SIGHUP, a client that no longer reads) removes at once, forced and all
 * together, the containers and instances this bridge started, daemons included; meanwhile it
 * reads no more and answers the calls in flight (cancelled after DRAIN_MS); then it looks again
 * for a container a call in flight made meanwhile, and exits. `end(false)` (the client closed
 * its input: done, or gone) first lets the calls in flight finish as everywhere, then removes.
 * Either way the bridge is gone within JOB_END_MS, well before SIGKILL.
 */
export const jobEnding = (options: JobEndOptions): ((urgent: boolean) => void) => {
  const { engines, log } = options;
  let deadline: number | undefined;
  let sweep: Promise<void> | undefined;
  const sweepOnce = (by: number) => {
    sweep ??= removeWhatWasStarted(engines, log, by);
    return sweep;
  };
  return (urgent) => {
    if (options.faulted()) return;
    if (deadline !== undefined) {
      // SIGTERM while the calls of a closed input were still finishing: no more waiting.
      if (urgent) void sweepOnce(deadline);
      return;
    }
    const by = Date.now() + JOB_END_MS;
    deadline = by;
    setTimeout(() => process.exit(0), JOB_END_MS).unref();
    options.endInput();
    const answered = Promise.race([options.answered, delay(EXIT_GRACE_MS)]);
    void (async () => {
      if (urgent) void sweepOnce(by);
      await answered;
      const sweptEarly = sweep !== undefined;
      await sweepOnce(by);
      if (sweptEarly) await removeWhatWasStarted(engines, log, by);
      await Promise.race([engines.close(), until(by)]);
    })().finally(() => process.exit(0));
  };
};
