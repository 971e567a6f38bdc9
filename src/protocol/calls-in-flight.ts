import { LazyAbort } from './lazy-abort.js';

/**
 * The calls being answered: each one's cancellation, and how many have been answered, so that
 * the server can tell when every request it read has its answer.
 */
export class CallsInFlight {
  private readonly aborts = new Set<LazyAbort>();
  private answered = 0;
  private onAnswered: (() => void) | undefined;

  start(): LazyAbort {
    const abort = new LazyAbort();
    this.aborts.add(abort);
    return abort;
  }

  finish(abort: LazyAbort): void {
    this.aborts.delete(abort);
  }

  /** One more request has its answer (or failed before it became a call). */
  answeredOne(): void {
    this.answered++;
    this.onAnswered?.();
  }

  cancelAll(): void {
    for (const abort of this.aborts) abort.abort();
  }

  /** Settles once `count()` requests have been answered (count grows while requests are still read). */
  allAnswered(count: () => number): Promise<void> {
    return new Promise((resolve) => {
      this.onAnswered = () => {
        if (this.answered < count()) return;
        this.onAnswered = undefined;
        resolve();
      };
      this.onAnswered();
    });
  }
}
