import type { OrderStatus } from '../../contract';
import type { PaymentState } from '../domain/payment-state';
import type { Db } from './db';

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

export function createOrderStore(db: Db) {
  const insert = db.prepare(`
    INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, items,
                        amount_cents, currency, status, created_at, updated_at)
    VALUES (@merchantReference, @buyerId, @productId, @productName, @quantity, @items,
            @amountCents, @currency, 'creating', @createdAt, @createdAt)`);
  const byReference = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE merchant_reference = ?');
  const byBuyer = db.prepare<[string, number], OrderRow>(
    'SELECT * FROM orders WHERE buyer_id = ? ORDER BY id DESC LIMIT ?',
  );
  // Older than the buyer's own order `before`; nothing when `before` is not theirs.
  const byBuyerBefore = db.prepare<[string, string, string, number], OrderRow>(`
    SELECT * FROM orders
    WHERE buyer_id = ? AND id < (SELECT id FROM orders WHERE merchant_reference = ? AND buyer_id = ?)
    ORDER BY id DESC LIMIT ?`);
  // A paid notification may have arrived before Latipay's create answer: then keep `paid`.
  // The create answer is where Latipay's order id comes from: it overwrites any other.
  const created = db.prepare<[string, string, string, string], OrderViewRow>(`
    UPDATE orders
    SET status = CASE status WHEN 'creating' THEN 'pending' ELSE status END,
        latipay_order_id = ?, gatewaydata = ?, updated_at = ?
    WHERE merchant_reference = ?
    RETURNING ${ORDER_VIEW}`);
  const createFailed = db.prepare(`
    UPDATE orders
    SET status = 'create_failed', create_error_status = ?, create_error_code = ?,
        create_error_message = ?, updated_at = ?
    WHERE merchant_reference = ? AND status = 'creating'`);
  const interrupted = db.prepare(`
    UPDATE orders
    SET status = 'create_failed', create_error_status = 500, create_error_code = 'internal_error',
        create_error_message = 'creating the order was interrupted by a server restart; start a new order',
        updated_at = ?
    WHERE status = 'creating'`);
  const paymentState = db.prepare<[string], PaymentState>(
    `SELECT ${PAYMENT_STATE} FROM orders WHERE merchant_reference = ?`,
  );
  const statusChange = db.prepare<[StatusChange], PaymentState>(`
    UPDATE orders
    SET status = @to, paid_at = COALESCE(@paidAt, paid_at), updated_at = @now
    WHERE merchant_reference = @merchantReference AND status = @from
    RETURNING ${PAYMENT_STATE}`);
  const missingLatipayOrderId = db.prepare(`
    UPDATE orders SET latipay_order_id = ?, updated_at = ?
    WHERE merchant_reference = ? AND latipay_order_id IS NULL`);
  const refunded = db.prepare(`
    UPDATE orders
    SET refunded_cents = refunded_cents + @cents,
        status = CASE WHEN refunded_cents + @cents = amount_cents THEN 'refunded' ELSE 'partially_refunded' END,
        updated_at = @now
    WHERE merchant_reference = @merchantReference`);

  return {
    insert({ lines, ...order }: NewOrder): void {
      insert.run({ ...order, productId: lines[0].productId, quantity: lines[0].quantity, items: JSON.stringify(lines) });
    },
    get: (merchantReference: string): OrderRow | undefined => byReference.get(merchantReference),
    /** The buyer's orders, newest first, optionally only those older than their order `before`. */
    listByBuyer: (buyerId: string, limit: number, before: string | null = null): OrderRow[] =>
      before === null ? byBuyer.all(buyerId, limit) : byBuyerBefore.all(buyerId, before, buyerId, limit),
    /** The order as it now is (a paid notification may have come first), or undefined when unknown. */
    markCreated(merchantReference: string, latipayOrderId: string, gatewaydata: string, now: string): OrderViewRow | undefined {
      return created.get(latipayOrderId, gatewaydata, now, merchantReference);
    },
    markCreateFailed(merchantReference: string, failure: CreateFailure, now: string): void {
      createFailed.run(failure.status, failure.code, failure.message, now, merchantReference);
    },
    /** Orders left `creating` by a crash: their buyer never got gatewaydata, so never payable. */
    failInterrupted: (now: string): number => interrupted.run(now).changes,
    /** What a payment result is checked against, without the rest of the row. */
    getPaymentState: (merchantReference: string): PaymentState | undefined => paymentState.get(merchantReference),
    /** The order's payment state as changed, or undefined when it was no longer in `from`. */
    changeStatus: (change: StatusChange): PaymentState | undefined => statusChange.get(change),
    /**
     * Sets Latipay's order id when the create answer never came. Only from our own query to
     * Latipay: a notification's order_id is not covered by its signature.
     */
    fillLatipayOrderId(merchantReference: string, latipayOrderId: string, now: string): void {
      missingLatipayOrderId.run(latipayOrderId, now, merchantReference);
    },
    addRefunded(merchantReference: string, cents: number, now: string): void {
      refunded.run({ merchantReference, cents, now });
    },
  };
}
