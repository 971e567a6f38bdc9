const DEFAULT_SECONDS = 60;

/**
 * How long a transfer (a registry's answer, a pull, a download) may go without progress before
 * it is given up: a stalled server must not hold a call for ever; a slow but moving one may.
 * BST_CONTAINERS_STALL_SECONDS changes it (slow links raise it; the tests lower it).
 */
export const stallTimeoutMs = (): number => {
  const seconds = Number(process.env.BST_CONTAINERS_STALL_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_SECONDS) * 1000;
};

/** An abort signal that fires after `ms` without a `touch()`, unless paused. */
export class StallWatch {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms = stallTimeoutMs()) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stalled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Progress: the next `ms` start now. */
  touch(): void {
    if (this.timer) this.timer.refresh();
    else
      this.timer = setTimeout(
        () => this.controller.abort(new Error(`no progress for ${this.ms / 1000} s`)),
        this.ms,
      );
  }

  /** Silence is expected until the next `touch()` (the work is local, not on the network). */
  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    this.pause();
  }
}
