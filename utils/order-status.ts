import type { OrderStatus } from '../server/contract';

/** The money arrived (refunds since do not undo that). */
export function isPaidStatus(status: OrderStatus): boolean {
  return status === 'paid' || status === 'partially_refunded' || status === 'refunded';
}

/**
 * The server says the payment failed. Not final for `failed`: a payment Latipay reports late
 * still turns it into paid (only `create_failed` is final).
 */
export function isFailedStatus(status: OrderStatus): boolean {
  return status === 'failed' || status === 'create_failed';
}
