import type { OrderStatus } from '../../contract';
import type { PaymentState } from '../domain/payment-state';
import { inList, skipLocked, valueRows, type Sql } from './sql';
import { createEventStore, type NewEvent } from './events';

export interface OrderRow {
  id: number;
  merchant_reference: string;
  buyer_id: string | null;
  product_id: string;
  product_name: string;
  quantity: number;
  amount_cents: number;
  currency: string;
  status: OrderStatus;
  latipay_order_id: string | null;
  gatewaydata: string | null;
  create_error_status: number | null;
  create_error_code: string | null;
  create_error_message: string | null;
  refunded_cents: number;
  created_at: string;
  paid_at: string | null;
  updated_at: string;
  /** The lines as JSON (StoredLine[]); null for orders made before carts (one line: product_id × quantity). */
  items: string | null;
  /** When the reconciler should next ask Latipay about the order; null: never. */
  next_check_at: string | null;
  /** How many times the reconciler has asked Latipay about it. */
  checks: number;
  /** Until when an instance of the reconciler holds the order; null or past: nobody. */
  lease_until: string | null;
}

/** One line as stored in `orders.items`. */
export interface StoredLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface NewOrder {
  merchantReference: string;
  buyerId: string | null;
  lines: StoredLine[];
  /** What Latipay is told the order is for (a summary of the lines). */
  productName: string;
  amountCents: number;
  currency: string;
  createdAt: string;
  /** When the reconciler first asks Latipay about it; null or missing: never. */
  nextCheckAt?: string | null;
}

export interface CreateFailure {
  status: number;
  code: string;
  message: string;
}

/** The columns the API's Order is made of (order-view.ts). */
export type OrderViewRow = Pick<
  OrderRow,
  | 'merchant_reference' | 'status' | 'amount_cents' | 'currency' | 'product_id' | 'product_name' | 'quantity'
  | 'items' | 'latipay_order_id' | 'created_at' | 'paid_at' | 'refunded_cents'
>;
const ORDER_VIEW = `merchant_reference, status, amount_cents, currency, product_id, product_name, quantity, items,
  latipay_order_id, created_at, paid_at, refunded_cents`;

/** The columns of PaymentState, which a payment result is checked against and changes. */
const PAYMENT_STATE = 'merchant_reference, status, amount_cents, currency';

export interface StatusChange {
  merchantReference: string;
  from: OrderStatus;
  to: OrderStatus;
  paidAt: string | null;
}

/** Latipay's answer to creating an order, as stored. */
export interface CreateAnswer {
  merchantReference: string;
  latipayOrderId: string;
  /** JSON text. */
  gatewaydata: string;
}

/** The columns a new order is inserted with, and its values for them. */
export const NEW_ORDER_COLUMNS = `merchant_reference, buyer_id, product_id, product_name, quantity, items,
  amount_cents, currency, created_at, updated_at, next_check_at, status`;

export const newOrderValues = ({ lines, ...order }: NewOrder): unknown[] => [
  order.merchantReference, order.buyerId, lines[0].productId, order.productName, lines[0].quantity,
  JSON.stringify(lines), order.amountCents, order.currency, order.createdAt, order.createdAt, order.nextCheckAt ?? null, 'creating',
];

/** The UPDATE of markCreatedMany for `count` answers (VALUES columns are column1, column2… on both databases). */
const markCreatedSql = (count: number) => `UPDATE orders
  SET status = CASE status WHEN 'creating' THEN 'pending' ELSE status END,
      latipay_order_id = v.column2, gatewaydata = v.column3, updated_at = ?
  FROM (VALUES ${valueRows(count, 3)}) AS v
  WHERE orders.merchant_reference = v.column1`;

const markCreatedParams = (created: CreateAnswer[], now: string) => [
  now, ...created.flatMap((c) => [c.merchantReference, c.latipayOrderId, c.gatewaydata]),
];

/** Latipay's create answer, on the order's timeline. */
export const createdEvent = (row: OrderViewRow, now: string): NewEvent => ({
  merchantReference: row.merchant_reference,
  kind: 'latipay_created',
  actor: 'latipay',
  details: { latipayOrderId: row.latipay_order_id, status: row.status },
  at: now,
});

/** The rows answering each answer, in the answers' order (undefined for an unknown order). */
function inOrderOf(created: CreateAnswer[], rows: OrderViewRow[]): (OrderViewRow | undefined)[] {
  const byReference = new Map(rows.map((row) => [row.merchant_reference, row]));
  return created.map((c) => byReference.get(c.merchantReference));
}

export type OrderStore = ReturnType<typeof createOrderStore>;

export function createOrderStore(db: Sql) {
  const store = {
    async insertMany(orders: NewOrder[]): Promise<void> {
      if (orders.length === 0) return;
      await db.run(`INSERT INTO orders (${NEW_ORDER_COLUMNS}) VALUES ${valueRows(orders.length, 12)}`, orders.flatMap(newOrderValues));
    },
    /** The order; inside a transaction on PostgreSQL its row stays locked until the end. */
    get: (merchantReference: string): Promise<OrderRow | undefined> =>
      db.get(`SELECT * FROM orders WHERE merchant_reference = ?${db.forUpdate}`, [merchantReference]),
    /** The buyer's orders, newest first, optionally only those older than their order `before`. */
    listByBuyer(buyerId: string, limit: number, before: string | null = null): Promise<OrderRow[]> {
      if (before === null) return db.all('SELECT * FROM orders WHERE buyer_id = ? ORDER BY id DESC LIMIT ?', [buyerId, limit]);
      // Older than the buyer's own order `before`; nothing when `before` is not theirs.
      return db.all(
        `SELECT * FROM orders
         WHERE buyer_id = ? AND id < (SELECT id FROM orders WHERE merchant_reference = ? AND buyer_id = ?)
         ORDER BY id DESC LIMIT ?`,
        [buyerId, before, buyerId, limit],
      );
    },
    /**
     * Records Latipay's create answers. For each, the order as it now is (a paid notification
     * may have come first, then it stays paid), or undefined when unknown. The create answer is
     * where Latipay's order id comes from: it overwrites any other.
     */
    async markCreatedMany(created: CreateAnswer[], now: string): Promise<(OrderViewRow | undefined)[]> {
      return inOrderOf(created, await db.all<OrderViewRow>(`${markCreatedSql(created.length)} RETURNING ${ORDER_VIEW}`, markCreatedParams(created, now)));
    },
    /**
     * markCreatedMany, with a `latipay_created` event for each order found, in a single
     * statement on PostgreSQL (whose WITH may change several tables); two on SQLite.
     */
    async recordCreated(created: CreateAnswer[], now: string): Promise<(OrderViewRow | undefined)[]> {
      if (db.dialect === 'sqlite') {
        const rows = await store.markCreatedMany(created, now);
        await createEventStore(db).recordMany(rows.filter((row) => row !== undefined).map((row) => createdEvent(row, now)));
        return rows;
      }
      const rows = await db.all<OrderViewRow>(
        `WITH changed AS (${markCreatedSql(created.length)} RETURNING ${ORDER_VIEW}),
         recorded AS (
           INSERT INTO events (at, merchant_reference, kind, actor, details)
           SELECT ?, merchant_reference, 'latipay_created', 'latipay', json_build_object('latipayOrderId', latipay_order_id, 'status', status)::text
           FROM changed
         )
         SELECT * FROM changed`,
        [...markCreatedParams(created, now), now],
      );
      return inOrderOf(created, rows);
    },
    async markCreateFailed(merchantReference: string, failure: CreateFailure, now: string): Promise<void> {
      await db.run(
        `UPDATE orders
         SET status = 'create_failed', create_error_status = ?, create_error_code = ?,
             create_error_message = ?, updated_at = ?
         WHERE merchant_reference = ? AND status = 'creating'`,
        [failure.status, failure.code, failure.message, now, merchantReference],
      );
    },
    /**
     * Orders still `creating` though created before `createdBefore`: their creation was cut
     * short by a crash (a live one ends within Latipay's timeout), so their buyer never got
     * gatewaydata. Returns their references.
     */
    async failInterrupted(createdBefore: string, now: string): Promise<string[]> {
      const rows = await db.all<{ merchant_reference: string }>(
        `UPDATE orders
         SET status = 'create_failed', create_error_status = 500, create_error_code = 'internal_error',
             create_error_message = 'creating the order was interrupted by a server restart; start a new order',
             updated_at = ?
         WHERE status = 'creating' AND created_at < ?
         RETURNING merchant_reference`,
        [now, createdBefore],
      );
      return rows.map((row) => row.merchant_reference);
    },
    /**
     * What payment results are checked against, for the orders of these references that exist
     * (locked inside a transaction on PostgreSQL, in the order of their references, so that two
     * batches of notifications locking some of the same orders wait for each other instead of
     * deadlocking; a deadlock with other writes is found by PostgreSQL and the transaction run again).
     */
    paymentStates: async (merchantReferences: string[]): Promise<PaymentState[]> =>
      merchantReferences.length === 0
        ? []
        : db.all(
          `SELECT ${PAYMENT_STATE} FROM orders WHERE merchant_reference IN (${inList(merchantReferences.length)})
           ORDER BY merchant_reference${db.forUpdate}`,
          merchantReferences,
        ),
    /**
     * The payment states of the orders changed; an order no longer in its change's `from` is
     * left as it is (and missing from the answer). A paid order whose Latipay order id is known
     * needs no more checks by the reconciler.
     */
    async changeStatusMany(changes: StatusChange[], now: string): Promise<PaymentState[]> {
      if (changes.length === 0) return [];
      return db.all(
        `UPDATE orders
         SET status = v.column3, paid_at = COALESCE(v.column4, paid_at), updated_at = ?,
             next_check_at = CASE WHEN v.column3 = 'paid' AND latipay_order_id IS NOT NULL THEN NULL ELSE next_check_at END
         FROM (VALUES ${valueRows(changes.length, 4)}) AS v
         WHERE orders.merchant_reference = v.column1 AND orders.status = v.column2
         RETURNING ${PAYMENT_STATE}`,
        [now, ...changes.flatMap((c) => [c.merchantReference, c.from, c.to, c.paidAt])],
      );
    },
    /**
     * Sets Latipay's order id when the create answer never came. Only from our own query to
     * Latipay: a notification's order_id is not covered by its signature.
     */
    async fillLatipayOrderId(merchantReference: string, latipayOrderId: string, now: string): Promise<void> {
      await db.run(
        `UPDATE orders
         SET latipay_order_id = ?, updated_at = ?,
             next_check_at = CASE WHEN status = 'paid' THEN NULL ELSE next_check_at END
         WHERE merchant_reference = ? AND latipay_order_id IS NULL`,
        [latipayOrderId, now, merchantReference],
      );
    },
    /**
     * The reconciler's claim: up to `limit` orders whose check is due at `now` and that no
     * instance holds, held until `leaseUntil`. Orders still `creating` wait for their create
     * call. On PostgreSQL, rows another instance is claiming at the same moment are skipped.
     */
    claimDue: (now: string, leaseUntil: string, limit: number): Promise<OrderRow[]> =>
      db.all(
        `UPDATE orders SET lease_until = ?
         WHERE id IN (
           SELECT id FROM orders
           WHERE next_check_at <= ? AND status <> 'creating' AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY next_check_at LIMIT ?${skipLocked(db)}
         )
         RETURNING *`,
        [leaseUntil, now, now, limit],
      ),
    /** When the next check not held by any instance is due (`now`: held ones are free again), or undefined. */
    async nextDue(now: string): Promise<string | undefined> {
      const row = await db.get<{ next_check_at: string }>(
        `SELECT next_check_at FROM orders
         WHERE next_check_at IS NOT NULL AND status <> 'creating' AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY next_check_at LIMIT 1`,
        [now],
      );
      return row?.next_check_at;
    },
    /** Records a check of the order (or none: `checks` unchanged), when the next is due (null: never), and lets go of it. */
    /**
     * Sets the order's checks and next check time and ends its lease. With `heldLease` (the
     * reconciler's claim), only while that lease is still the order's: once it ran out and
     * another instance claimed the order, that instance's record wins. False when not recorded.
     */
    async scheduleCheck(merchantReference: string, checks: number, nextCheckAt: string | null, heldLease: string | null = null): Promise<boolean> {
      if (heldLease === null) {
        return (await db.run('UPDATE orders SET checks = ?, next_check_at = ?, lease_until = NULL WHERE merchant_reference = ?', [
          checks, nextCheckAt, merchantReference,
        ])) === 1;
      }
      return (await db.run(
        'UPDATE orders SET checks = ?, next_check_at = ?, lease_until = NULL WHERE merchant_reference = ? AND lease_until = ?',
        [checks, nextCheckAt, merchantReference, heldLease],
      )) === 1;
    },
    /** Lets go of orders claimed but not checked (the server is stopping), unless another instance holds them by now. */
    async releaseLeases(claims: { merchantReference: string; lease: string }[]): Promise<void> {
      for (const { merchantReference, lease } of claims) {
        await db.run('UPDATE orders SET lease_until = NULL WHERE merchant_reference = ? AND lease_until = ?', [merchantReference, lease]);
      }
    },
    async addRefunded(merchantReference: string, cents: number, now: string): Promise<void> {
      await db.run(
        `UPDATE orders
         SET refunded_cents = refunded_cents + ?,
             status = CASE WHEN refunded_cents + ? = amount_cents THEN 'refunded' ELSE 'partially_refunded' END,
             updated_at = ?
         WHERE merchant_reference = ?`,
        [cents, cents, now, merchantReference],
      );
    },
    // One row at a time, as most callers need.
    insert: (order: NewOrder): Promise<void> => store.insertMany([order]),
    markCreated: async (merchantReference: string, latipayOrderId: string, gatewaydata: string, now: string): Promise<OrderViewRow | undefined> =>
      (await store.markCreatedMany([{ merchantReference, latipayOrderId, gatewaydata }], now))[0],
    /** The order's payment state as changed, or undefined when it was no longer in `from`. */
    changeStatus: async ({ now, ...change }: StatusChange & { now: string }): Promise<PaymentState | undefined> =>
      (await store.changeStatusMany([change], now))[0],
  };
  return store;
}
