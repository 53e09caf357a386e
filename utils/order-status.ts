import type { OrderStatus } from '../server/contract';

/** The money arrived (refunds since do not undo that). */
export function isPaidStatus(status: OrderStatus): boolean {
  return status === 'paid' || status === 'partially_refunded' || status === 'refunded';
}

/** Final without payment: the order can never be paid. */
export function isFailedStatus(status: OrderStatus): boolean {
  return status === 'failed' || status === 'create_failed';
}
