import type { OrderStatus } from '../../contract';

/** What an order's payment is, as far as a payment result is concerned (columns of `orders`). */
export interface PaymentState {
  merchant_reference: string;
  status: OrderStatus;
  amount_cents: number;
  currency: string;
}

/** What a Latipay payment result (notification or query answer) says happened. */
export type PaymentResultOutcome = 'paid' | 'failed' | 'pending';

/** Latipay statuses (notification and query); canceled and rejected are failures. */
export function outcomeOf(latipayStatus: string): PaymentResultOutcome | null {
  switch (latipayStatus) {
    case 'paid':
      return 'paid';
    case 'failed':
    case 'canceled':
    case 'rejected':
      return 'failed';
    case 'pending':
      return 'pending';
    default:
      return null;
  }
}

/**
 * The one state machine for payment results, used by notifications and queries alike.
 * Returns the new status, or null when the result changes nothing.
 * - paid: applied to any order whose money has not moved yet, including `failed` (a late
 *   success after a failure means money moved), `expired` (the same, and an anomaly), and
 *   `create_failed`/`creating` (Latipay created the order although we never saw its answer,
 *   and it was paid).
 * - failed: only a `pending` order fails; nothing that is paid or refunded goes back.
 * - pending: never changes anything.
 */
export function nextStatus(current: OrderStatus, outcome: PaymentResultOutcome): OrderStatus | null {
  if (outcome === 'paid') {
    const unpaid: readonly OrderStatus[] = ['pending', 'failed', 'expired', 'creating', 'create_failed'];
    return unpaid.includes(current) ? 'paid' : null;
  }
  if (outcome === 'failed') return current === 'pending' ? 'failed' : null;
  return null;
}

/** Orders whose payment result may still change, and so are worth asking Latipay about. */
export function isPaymentOpen(status: OrderStatus): boolean {
  return status === 'pending' || status === 'failed' || status === 'expired';
}
