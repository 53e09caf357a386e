/** Signed notification bodies for pending orders, and the check of what the server made of them. */
import { formatCents, signPaymentResult } from '../latipay';
import type { Sql } from '../app/store/sql';

export interface PendingOrder {
  merchantReference: string;
  latipayOrderId: string;
  amountCents: number;
  currency: string;
}

export async function pendingOrders(sql: Sql, limit: number): Promise<PendingOrder[]> {
  const rows = await sql.all<{ merchant_reference: string; latipay_order_id: string; amount_cents: number; currency: string }>(
    "SELECT merchant_reference, latipay_order_id, amount_cents, currency FROM orders WHERE status = 'pending' ORDER BY id LIMIT ?",
    [limit],
  );
  return rows.map((row) => ({
    merchantReference: row.merchant_reference,
    latipayOrderId: row.latipay_order_id,
    amountCents: row.amount_cents,
    currency: row.currency,
  }));
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

const CHUNK = 1000;

/** Every order must be paid, with exactly one notification applied to it. */
export async function checkIngest(sql: Sql, orders: PendingOrder[]): Promise<IngestCheck> {
  let paid = 0;
  let appliedTwice = 0;
  let stored = 0;
  for (let i = 0; i < orders.length; i += CHUNK) {
    const references = orders.slice(i, i + CHUNK).map((order) => order.merchantReference);
    const marks = references.map(() => '?').join(', ');
    const rows = await sql.all<{ status: string; applied: number; stored: number }>(
      `SELECT o.status AS status,
              SUM(CASE WHEN p.outcome = 'applied' THEN 1 ELSE 0 END) AS applied,
              COUNT(p.id) AS stored
         FROM orders o LEFT JOIN payment_results p ON p.merchant_reference = o.merchant_reference
        WHERE o.merchant_reference IN (${marks})
        GROUP BY o.merchant_reference, o.status`,
      references,
    );
    for (const row of rows) {
      if (row.status === 'paid') paid++;
      if (Number(row.applied) > 1) appliedTwice++;
      stored += Number(row.stored);
    }
  }
  return { orders: orders.length, paid, lost: orders.length - paid, appliedTwice, stored };
}
