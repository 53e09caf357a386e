/** Signed notification bodies for pending orders, and the check of what the server made of them. */
import Database from 'better-sqlite3';
import { formatCents, signPaymentResult } from '../latipay';

export interface PendingOrder {
  merchantReference: string;
  latipayOrderId: string;
  amountCents: number;
  currency: string;
}

export function pendingOrders(databasePath: string, limit: number): PendingOrder[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT merchant_reference AS merchantReference, latipay_order_id AS latipayOrderId,
                amount_cents AS amountCents, currency
           FROM orders WHERE status = 'pending' ORDER BY id LIMIT ?`,
      )
      .all(limit) as PendingOrder[];
  } finally {
    db.close();
  }
}

export function notificationBody(order: PendingOrder, apiKey: string): string {
  const fields = {
    merchant_reference: order.merchantReference,
    payment_method: 'alipay',
    status: 'paid',
    currency: order.currency,
    amount: formatCents(order.amountCents),
  };
  return new URLSearchParams({
    ...fields,
    order_id: order.latipayOrderId,
    pay_time: '2026-11-27 10:00:00',
    signature: signPaymentResult(fields, apiKey),
  }).toString();
}

/** One body per order plus `duplicateShare` of them again, shuffled deterministically. */
export function notificationBurst(orders: PendingOrder[], apiKey: string, duplicateShare: number): string[] {
  const bodies = orders.map((order) => notificationBody(order, apiKey));
  const duplicates = Math.round(orders.length * duplicateShare);
  for (let i = 0; i < duplicates; i++) bodies.push(bodies[(i * 7919) % orders.length]);
  let seed = 42;
  for (let i = bodies.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  return bodies;
}

export interface IngestCheck {
  orders: number;
  paid: number;
  lost: number;
  appliedTwice: number;
  stored: number;
}

/** Every order must be paid, with exactly one notification applied to it. */
export function checkIngest(databasePath: string, orders: PendingOrder[]): IngestCheck {
  const db = new Database(databasePath, { readonly: true });
  try {
    const status = db.prepare('SELECT status FROM orders WHERE merchant_reference = ?').pluck();
    const applied = db
      .prepare(`SELECT COUNT(*) FROM payment_results WHERE merchant_reference = ? AND outcome = 'applied'`)
      .pluck();
    const stored = db.prepare(`SELECT COUNT(*) FROM payment_results WHERE merchant_reference = ?`).pluck();
    let paid = 0;
    let appliedTwice = 0;
    let storedCount = 0;
    for (const order of orders) {
      if (status.get(order.merchantReference) === 'paid') paid++;
      if ((applied.get(order.merchantReference) as number) > 1) appliedTwice++;
      storedCount += stored.get(order.merchantReference) as number;
    }
    return { orders: orders.length, paid, lost: orders.length - paid, appliedTwice, stored: storedCount };
  } finally {
    db.close();
  }
}
