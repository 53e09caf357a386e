import type { NotificationAttempt, RefundRecord, SandboxOrder, SandboxOrderStatus } from '../orders';
import type { SandboxDb } from './database';

/** An order as created: no refunds, no notification attempts yet. */
export type NewOrder = Omit<SandboxOrder, 'refunds' | 'notifications'>;

interface OrderRow {
  order_id: string;
  merchant_reference: string;
  customer_order_id: string;
  amount_cents: number;
  currency: string;
  product_name: string;
  callback_url: string;
  status: SandboxOrderStatus;
  created_at: string;
  pay_time: string | null;
}

interface RefundRow {
  order_id: string;
  amount_cents: number;
  reference: string;
  at: string;
}

interface AttemptRow {
  order_id: string;
  at: string;
  payment_status: string;
  http_status: number | null;
  body: string | null;
  error: string | null;
}

function toRefund(row: RefundRow): RefundRecord {
  return { amountCents: row.amount_cents, reference: row.reference, at: new Date(row.at) };
}

function toAttempt(row: AttemptRow): NotificationAttempt {
  return { at: row.at, paymentStatus: row.payment_status, httpStatus: row.http_status, body: row.body, error: row.error };
}

function toOrder(row: OrderRow, refunds: RefundRecord[], notifications: NotificationAttempt[]): SandboxOrder {
  return {
    orderId: row.order_id,
    customerOrderId: row.customer_order_id,
    merchantReference: row.merchant_reference,
    amountCents: row.amount_cents,
    currency: row.currency,
    productName: row.product_name,
    callbackUrl: row.callback_url,
    status: row.status,
    createdAt: new Date(row.created_at),
    payTime: row.pay_time === null ? null : new Date(row.pay_time),
    refunds,
    notifications,
  };
}

function groupByOrder<R extends { order_id: string }, T>(rows: R[], map: (row: R) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.order_id);
    if (group) group.push(map(row));
    else groups.set(row.order_id, [map(row)]);
  }
  return groups;
}

function prepareStatements(db: SandboxDb) {
  return {
    insert: db.prepare(
      `INSERT INTO orders (order_id, merchant_reference, customer_order_id, amount_cents, currency, product_name,
         callback_url, status, created_at, pay_time)
       VALUES (@order_id, @merchant_reference, @customer_order_id, @amount_cents, @currency, @product_name,
         @callback_url, @status, @created_at, @pay_time)`,
    ),
    byReference: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE merchant_reference = ?'),
    byOrderId: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE order_id = ?'),
    // rowid order is creation order.
    all: db.prepare<[], OrderRow>('SELECT * FROM orders ORDER BY rowid'),
    complete: db.prepare('UPDATE orders SET status = ?, pay_time = ? WHERE order_id = ?'),
    lastIdWithPrefix: db.prepare<[string, string], { order_id: string }>(
      'SELECT order_id FROM orders WHERE order_id >= ? AND order_id < ? ORDER BY order_id DESC LIMIT 1',
    ),
    refundsOf: db.prepare<[string], RefundRow>('SELECT * FROM refunds WHERE order_id = ? ORDER BY id'),
    allRefunds: db.prepare<[], RefundRow>('SELECT * FROM refunds ORDER BY id'),
    insertRefund: db.prepare('INSERT INTO refunds (order_id, amount_cents, reference, at) VALUES (?, ?, ?, ?)'),
    attemptsOf: db.prepare<[string], AttemptRow>('SELECT * FROM notification_attempts WHERE order_id = ? ORDER BY id'),
    allAttempts: db.prepare<[], AttemptRow>('SELECT * FROM notification_attempts ORDER BY id'),
    insertAttempt: db.prepare(
      `INSERT INTO notification_attempts (order_id, at, payment_status, http_status, body, error)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/**
 * Orders with their refunds and notification attempts, found by the merchant's reference or
 * by Latipay's order id. Reads return snapshots; every change goes through a method here.
 */
export class OrderStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: SandboxDb) {
    this.statements = prepareStatements(db);
  }

  /** Throws on a merchant reference or order id already stored (both are unique). */
  add(order: NewOrder): void {
    this.statements.insert.run({
      order_id: order.orderId,
      merchant_reference: order.merchantReference,
      customer_order_id: order.customerOrderId,
      amount_cents: order.amountCents,
      currency: order.currency,
      product_name: order.productName,
      callback_url: order.callbackUrl,
      status: order.status,
      created_at: order.createdAt.toISOString(),
      pay_time: order.payTime?.toISOString() ?? null,
    });
  }

  findByReference(merchantReference: string): SandboxOrder | undefined {
    return this.withDetails(this.statements.byReference.get(merchantReference));
  }

  findByOrderId(orderId: string): SandboxOrder | undefined {
    return this.withDetails(this.statements.byOrderId.get(orderId));
  }

  /** Every order, oldest first. */
  all(): SandboxOrder[] {
    const refunds = groupByOrder(this.statements.allRefunds.all(), toRefund);
    const attempts = groupByOrder(this.statements.allAttempts.all(), toAttempt);
    return this.statements.all
      .all()
      .map((row) => toOrder(row, refunds.get(row.order_id) ?? [], attempts.get(row.order_id) ?? []));
  }

  /** Sets the order's status and pay time; returns the order as it now is. */
  complete(orderId: string, status: SandboxOrderStatus, payTime: Date | null): SandboxOrder {
    this.statements.complete.run(status, payTime?.toISOString() ?? null, orderId);
    const order = this.findByOrderId(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    return order;
  }

  addRefund(orderId: string, refund: RefundRecord): void {
    this.statements.insertRefund.run(orderId, refund.amountCents, refund.reference, refund.at.toISOString());
  }

  addNotificationAttempt(orderId: string, attempt: NotificationAttempt): void {
    const { at, paymentStatus, httpStatus, body, error } = attempt;
    this.statements.insertAttempt.run(orderId, at, paymentStatus, httpStatus, body, error);
  }

  /** The greatest order id stored that starts with `prefix` (e.g. "S20261127"), if any. */
  lastOrderIdStartingWith(prefix: string): string | undefined {
    // Every id with the prefix sorts between the prefix and the prefix followed by U+FFFF.
    return this.statements.lastIdWithPrefix.get(prefix, `${prefix}\uffff`)?.order_id;
  }

  private withDetails(row: OrderRow | undefined): SandboxOrder | undefined {
    if (!row) return undefined;
    const refunds = this.statements.refundsOf.all(row.order_id).map(toRefund);
    const attempts = this.statements.attemptsOf.all(row.order_id).map(toAttempt);
    return toOrder(row, refunds, attempts);
  }
}
