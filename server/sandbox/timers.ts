/**
 * Timers the sandbox owns, so closing it leaves nothing behind: pending callbacks are
 * dropped and pending sleeps resolve at once.
 */
export class TimerSet {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** Runs `fn` after `ms` unless closed first. */
  schedule(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.set(timer, () => undefined);
  }

  /** Resolves after `ms`, or as soon as the set is closed. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  close(): void {
    this.closed = true;
    for (const [timer, onCancel] of this.timers) {
      clearTimeout(timer);
      onCancel();
    }
    this.timers.clear();
  }
}
