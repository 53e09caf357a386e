/** A key's count in its current fixed window. */
export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again from 0. */
  resetInMs: number;
}

/**
 * Counters in fixed time windows, for abuse limits and throttles. Async so that an
 * implementation several instances share (a database, Redis) can take this one's place.
 */
export interface CounterStore {
  /** Adds one to the key's count, opening a window of windowMs when none is open. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The key's count without adding to it: 0 when no window is open. */
  peek(key: string): Promise<WindowCount>;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * The counters of this process. At most maxKeys windows are kept: past that the oldest
 * opened goes first (a Map iterates in insertion order), so a flood of distinct keys (IPs)
 * costs bounded memory; expired windows are dropped as they are met.
 */
export class MemoryCounters implements CounterStore {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.dropOldest();
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) return { count: 0, resetInMs: 0 };
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  private dropOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
