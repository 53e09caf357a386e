/**
 * Polls `check` until it returns a truthy value (which is returned) or the time runs out.
 * A check that throws (e.g. a failing `expect`) counts as "not yet"; on timeout its last
 * error is reported. Use it instead of sleeps: it waits for a state, not for a duration.
 */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; description?: string } = {},
): Promise<Truthy<T>> {
  const { timeoutMs = 5000, intervalMs = 10, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor(${description}) timed out after ${timeoutMs} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
