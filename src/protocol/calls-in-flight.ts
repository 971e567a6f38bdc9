import { LazyAbort } from './lazy-abort.js';

/** One call being answered: its cancellation, and a promise that fails it when the bridge goes down. */
export interface CallInFlight {
  abort: LazyAbort;
  /** Never settles, unless `failAll` rejects it. */
  failed: Promise<never>;
}

/**
 * The calls being answered, and how many have been answered, so that the server can tell when
 * every request it read has its answer. Each call has a `failed` promise of its own: a single
 * shared one would keep a reaction, and so the answer, of every call ever raced against it.
 */
export class CallsInFlight {
  private readonly calls = new Map<CallInFlight, (error: unknown) => void>();
  private answered = 0;
  private onAnswered: (() => void) | undefined;
  /** Once the bridge is going down, calls that start after fail at once. */
  private failure: { error: unknown } | undefined;

  start(): CallInFlight {
    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => {});
    const call = { abort: new LazyAbort(), failed };
    this.calls.set(call, fail);
    if (this.failure) fail(this.failure.error);
    return call;
  }

  /** The call has its answer (or failed before it became a call). */
  finish(call: CallInFlight): void {
    this.calls.delete(call);
    this.answered++;
    this.onAnswered?.();
  }

  cancelAll(): void {
    for (const call of this.calls.keys()) call.abort.abort();
  }

  failAll(error: unknown): void {
    this.failure = { error };
    for (const fail of this.calls.values()) fail(error);
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
