import { claimStatement, createIdempotencyKeyStore, type IdempotencyRow } from './idempotency-keys';
import { NEW_ORDER_COLUMNS, createOrderStore, newOrderValues, type NewOrder } from './orders';
import { valueRows, type Sql } from './sql';

/** A new order, and the Idempotency-Key it is made under (null: none). */
export interface NewOrderUnderKey {
  key: IdempotencyRow | null;
  order: NewOrder;
}

export type NewOrderStore = ReturnType<typeof createNewOrderStore>;

/**
 * New orders inserted with their keys claimed: an order whose key is taken (by an earlier
 * request, or by an earlier order of the same call) is not inserted. On PostgreSQL this is one
 * statement, atomic by itself (Storage.atomicStatement); on SQLite two, inside a transaction.
 */
export function createNewOrderStore(db: Sql) {
  const keys = createIdempotencyKeyStore(db);
  const orders = createOrderStore(db);
  return {
    /** For each order, whether it was inserted (it had no key, or claimed it). */
    async insert(items: NewOrderUnderKey[]): Promise<boolean[]> {
      const keyed = items.filter((item) => item.key !== null);
      if (db.dialect === 'sqlite' || keyed.length === 0) {
        const stored = await keys.claimMany(keyed.map((item) => item.key!));
        let next = 0;
        const inserted = items.map((item) => item.key === null || stored[next++]);
        await orders.insertMany(items.filter((_, i) => inserted[i]).map((item) => item.order));
        return inserted;
      }
      // The keys first (as claimMany), then the orders that need no key or whose key this
      // statement stored. VALUES in a SELECT types its parameters as text: the integer columns are cast.
      const claim = claimStatement(keyed.map((item) => item.key!));
      const rows = await db.all<{ merchant_reference: string }>(
        `WITH claimed AS (${claim.sql} RETURNING merchant_reference)
         INSERT INTO orders (${NEW_ORDER_COLUMNS})
         SELECT v.merchant_reference, v.buyer_id, v.product_id, v.product_name, CAST(v.quantity AS INTEGER), v.items,
                CAST(v.amount_cents AS INTEGER), v.currency, v.created_at, v.updated_at, v.next_check_at, v.status
         FROM (VALUES ${valueRows(items.length, 13)}) AS v (merchant_reference, buyer_id, product_id, product_name, quantity, items,
                amount_cents, currency, created_at, updated_at, next_check_at, status, keyed)
         WHERE v.keyed = 'no' OR v.merchant_reference IN (SELECT merchant_reference FROM claimed)
         RETURNING merchant_reference`,
        [
          ...claim.params,
          ...items.flatMap((item) => [...newOrderValues(item.order), item.key === null ? 'no' : 'yes']),
        ],
      );
      const inserted = new Set(rows.map((row) => row.merchant_reference));
      return items.map((item) => inserted.has(item.order.merchantReference));
    },
  };
}
