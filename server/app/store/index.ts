import { createAdminSessionStore } from './admin-sessions';
import { createAnomalyStore } from './anomalies';
import { createEventStore } from './events';
import { createIdempotencyKeyStore } from './idempotency-keys';
import { createNewOrderStore } from './new-orders';
import { createOrderStore } from './orders';
import { createPaymentResultStore } from './payment-results';
import { createRefundStore } from './refunds';
import { createSessionStore } from './sessions';
import type { Sql } from './sql';

export type Stores = ReturnType<typeof createStores>;

/** The stores on one connection (or, for PostgreSQL, the pool, or a transaction's client). */
export function createStores(sql: Sql) {
  return {
    orders: createOrderStore(sql),
    idempotencyKeys: createIdempotencyKeyStore(sql),
    paymentResults: createPaymentResultStore(sql),
    refunds: createRefundStore(sql),
    anomalies: createAnomalyStore(sql),
    sessions: createSessionStore(sql),
    events: createEventStore(sql),
    adminSessions: createAdminSessionStore(sql),
    newOrders: createNewOrderStore(sql),
  };
}

/**
 * Where the shop keeps everything: SQLite (store/sqlite.ts) or PostgreSQL (store/postgres.ts).
 * Its stores read outside any transaction; every write goes through transaction() (or
 * atomicStatement(), for work of a single statement).
 */
export interface Storage extends Stores {
  readonly kind: 'sqlite' | 'postgres';
  /** Statements outside any transaction (for reports, the dashboard and tests). */
  readonly sql: Sql;
  /**
   * Runs work in one transaction with the stores bound to it, and resolves once committed.
   * Work must only touch the database through `tx` (it may run more than once: SQLite runs it
   * again alone when a shared commit fails, PostgreSQL when a serialization failure or a
   * deadlock aborts it) and must let its errors through, which roll everything back.
   */
  transaction<T>(work: (tx: Stores) => Promise<T>): Promise<T>;
  /**
   * transaction() for work that makes a single statement on PostgreSQL, which is atomic by
   * itself there and so runs without BEGIN and COMMIT. A second statement throws OutcomeUnknown
   * (the first is committed by then): a mistake in the work. On SQLite, where the work may make
   * more than one, it is transaction().
   */
  atomicStatement<T>(work: (tx: Stores) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
