import { outcomeOf } from '../domain/payment-state';
import type { Stores } from '../store';
import type { OrderRow } from '../store/orders';
import { expiresAt, type ScheduleRules } from './reconciler-schedule';

/**
 * After the reconciler's query: a `pending` order whose expiry had come when the query was
 * sent, and that Latipay still calls unpaid, becomes `expired` (an event records it). A paid
 * result arriving later still makes it paid (an anomaly, `paid_after_expiry`). Resolves true
 * when it expired. Inside the transaction that reschedules the order, its row locked.
 */
export async function expireIfUnpaid(
  tx: Stores,
  order: OrderRow,
  latipayStatus: string,
  queriedAtMs: number,
  rules: ScheduleRules,
  now: string,
): Promise<boolean> {
  if (order.status !== 'pending' || outcomeOf(latipayStatus) !== 'pending' || queriedAtMs < expiresAt(order, rules)) return false;
  const changed = await tx.orders.changeStatus({ merchantReference: order.merchant_reference, from: 'pending', to: 'expired', paidAt: null, now });
  if (!changed) return false;
  await tx.events.record({
    merchantReference: order.merchant_reference,
    kind: 'order_expired',
    actor: 'reconciler',
    details: { latipayStatus, expiresAfterS: rules.expiresAfterMs / 1000 },
    at: now,
  });
  return true;
}
