/**
 * An AbortSignal made only when a handler asks for one: most calls never do, and creating one
 * costs tens of microseconds on a call that otherwise takes a few hundred.
 */
export class LazyAbort {
  private controller: AbortController | undefined;
  private cancelled = false;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.cancelled) this.controller.abort();
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.cancelled;
  }

  abort(): void {
    this.cancelled = true;
    this.controller?.abort();
  }
}
