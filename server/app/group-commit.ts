import type { Db } from './db';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for the notification burst of a sale: the writes queued in one turn of the
 * event loop share one SQLite transaction, and every caller is answered only after that
 * COMMIT. Each piece of work runs in its own savepoint, so one that throws rolls back alone.
 * A commit costs a WAL write per transaction; sharing it is what lets ingest keep up.
 */
export class GroupCommit {
  private queue: Pending[] = [];

  constructor(private readonly db: Db) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let results: Result[];
    try {
      results = this.db.transaction(() =>
        batch.map((item): Result => {
          try {
            return { ok: true, value: this.db.transaction(item.work)() };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      ).immediate();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const result = results[i];
      if (result.ok) item.resolve(result.value);
      else item.reject(result.error);
    });
  }
}
