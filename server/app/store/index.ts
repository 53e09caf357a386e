import type { Db } from './db';
import { createAnomalyStore } from './anomalies';
import { createIdempotencyKeyStore } from './idempotency-keys';
import { createOrderStore } from './orders';
import { createPaymentResultStore } from './payment-results';
import { createRefundStore } from './refunds';
import { createSessionStore } from './sessions';

export type Stores = ReturnType<typeof createStores>;

export function createStores(db: Db) {
  // One transaction function for all: better-sqlite3 builds a new one per db.transaction() call.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const ping = db.prepare('SELECT 1');
  return {
    orders: createOrderStore(db),
    idempotencyKeys: createIdempotencyKeyStore(db),
    paymentResults: createPaymentResultStore(db),
    refunds: createRefundStore(db),
    anomalies: createAnomalyStore(db),
    sessions: createSessionStore(db),
    /** Throws when the database cannot answer. */
    ping: (): void => void ping.get(),
    /**
     * Runs fn in one SQLite transaction (synchronous: nothing else interleaves): its own, or
     * the one in progress. The one in progress is a GroupCommit batch, which runs each piece
     * again alone should one throw, so a savepoint per piece would only cost time. So fn must
     * let its errors through: one caught inside would leave its writes half done in the batch.
     */
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : (inTransaction.immediate(fn) as T)),
  };
}
