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

/** An abort signal that fires after `ms` without a `touch()`. */
export class StallWatch {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(readonly ms = stallTimeoutMs()) {
    this.timer = this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stalled(): boolean {
    return this.controller.signal.aborted;
  }

  touch(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => this.controller.abort(new Error(`no progress for ${this.ms / 1000} s`)), this.ms);
  }
}
