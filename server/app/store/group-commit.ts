import type { Transaction } from 'better-sqlite3';
import type { Db } from './db';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the bursts of a sale: the writes queued in one turn of the event loop share
 * one SQLite transaction, and every caller is answered only after that COMMIT. A commit costs a
 * WAL write per transaction; sharing it is what lets ingest keep up.
 *
 * Work must only touch the database (it may run twice): when one piece throws, the shared
 * transaction is rolled back and every piece runs again in a transaction of its own, so the
 * one that throws fails alone. Savepoints per piece would cost more on the common path.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly inTransaction: Transaction<(work: () => unknown) => unknown>;

  constructor(db: Db) {
    // Built once: better-sqlite3 makes a new transaction function per db.transaction() call.
    this.inTransaction = db.transaction((work: () => unknown) => work());
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let values: unknown[];
    try {
      values = this.inTransaction.immediate(() => batch.map((item) => item.work())) as unknown[];
    } catch {
      for (const item of batch) this.runAlone(item);
      return;
    }
    batch.forEach((item, i) => item.resolve(values[i]));
  }

  private runAlone(item: Pending): void {
    try {
      item.resolve(this.inTransaction.immediate(item.work));
    } catch (error) {
      item.reject(error);
    }
  }
}
