import type { Db } from './db';

interface Pending {
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the bursts of a sale: the transactions asked for in one turn of the event
 * loop share one SQLite transaction, and every caller is answered only after that COMMIT. A
 * commit costs a WAL write per transaction; sharing it is what lets ingest keep up.
 *
 * Work must only touch the database (it may run twice): when one piece throws, the shared
 * transaction is rolled back and every piece runs again in a transaction of its own, so the
 * one that throws fails alone. Savepoints per piece would cost more on the common path.
 * better-sqlite3 answers synchronously, so a batch runs within one turn of the event loop
 * (its awaits are microtasks). Statements made outside transaction() between those awaits run
 * on the same connection: reads may see the batch before its COMMIT, so writes never go there.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0 && !this.flushing) setImmediate(() => void this.flush());
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.flushing = true;
    try {
      let values: unknown[] | null = null;
      try {
        values = await this.inTransaction(async () => {
          const results: unknown[] = [];
          for (const item of batch) results.push(await item.work());
          return results;
        });
      } catch {
        for (const item of batch) await this.runAlone(item);
      }
      if (values) batch.forEach((item, i) => item.resolve(values[i]));
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) setImmediate(() => void this.flush());
    }
  }

  private async runAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.inTransaction(item.work));
    } catch (error) {
      item.reject(error);
    }
  }

  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    let value: T;
    try {
      value = await work();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    return value;
  }
}
