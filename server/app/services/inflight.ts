/**
 * The Latipay calls this process is making, by key, so that a duplicate request (same
 * Idempotency-Key, or a refresh of the same order) arriving meanwhile can wait for the
 * first one's result instead of calling Latipay again.
 */
export class Inflight {
  private readonly calls = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const call = fn();
    this.calls.set(key, call);
    try {
      return await call;
    } finally {
      this.calls.delete(key);
    }
  }

  /** The call in flight under key if there is one, else a new one: one call for all callers. */
  join<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return (this.calls.get(key) as Promise<T> | undefined) ?? this.run(key, fn);
  }

  /** Resolves once the call under key (if any) has settled, whatever its result. */
  async settled(key: string): Promise<void> {
    await this.calls.get(key)?.catch(() => undefined);
  }
}
