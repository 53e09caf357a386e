import type { OrderStatus } from '../../contract';
import type { PaymentState } from '../domain/payment-state';
import { skipLocked, type Sql } from './sql';

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
  now: string;
}

export type OrderStore = ReturnType<typeof createOrderStore>;

export function createOrderStore(db: Sql) {
  return {
    async insert({ lines, ...order }: NewOrder): Promise<void> {
      await db.run(
        `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, items,
                             amount_cents, currency, status, created_at, updated_at, next_check_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?)`,
        [order.merchantReference, order.buyerId, lines[0].productId, order.productName, lines[0].quantity,
          JSON.stringify(lines), order.amountCents, order.currency, order.createdAt, order.createdAt, order.nextCheckAt ?? null],
      );
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
     * The order as it now is (a paid notification may have come first, then it stays paid),
     * or undefined when unknown. The create answer is where Latipay's order id comes from:
     * it overwrites any other.
     */
    markCreated(merchantReference: string, latipayOrderId: string, gatewaydata: string, now: string): Promise<OrderViewRow | undefined> {
      return db.get(
        `UPDATE orders
         SET status = CASE status WHEN 'creating' THEN 'pending' ELSE status END,
             latipay_order_id = ?, gatewaydata = ?, updated_at = ?
         WHERE merchant_reference = ?
         RETURNING ${ORDER_VIEW}`,
        [latipayOrderId, gatewaydata, now, merchantReference],
      );
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
    /** What a payment result is checked against (locked inside a transaction on PostgreSQL). */
    getPaymentState: (merchantReference: string): Promise<PaymentState | undefined> =>
      db.get(`SELECT ${PAYMENT_STATE} FROM orders WHERE merchant_reference = ?${db.forUpdate}`, [merchantReference]),
    /**
     * The order's payment state as changed, or undefined when it was no longer in `from`. A paid
     * order whose Latipay order id is known needs no more checks by the reconciler.
     */
    changeStatus: (change: StatusChange): Promise<PaymentState | undefined> =>
      db.get(
        `UPDATE orders
         SET status = ?, paid_at = COALESCE(?, paid_at), updated_at = ?,
             next_check_at = CASE WHEN ? = 'paid' AND latipay_order_id IS NOT NULL THEN NULL ELSE next_check_at END
         WHERE merchant_reference = ? AND status = ?
         RETURNING ${PAYMENT_STATE}`,
        [change.to, change.paidAt, change.now, change.to, change.merchantReference, change.from],
      ),
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
  };
}
