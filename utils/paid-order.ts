import type { Order } from '../server/contract';
import { withoutOrdered } from './cart';
import { loadCart, saveCart } from './cart-store';
import { linesOf } from './order-lines';
import { isPaidStatus } from './order-status';
import { createPaymentStore } from './payment-store';
import type { PaymentStore } from './payment-store';

/**
 * The server said how an order stands. Once it says paid (never on the cashier's word alone),
 * the payment kept for paying it again is forgotten and, for an order the cart paid for, what
 * it bought leaves the cart. A failed order changes nothing: the cart is kept.
 */
export function noteOrderStatus(order: Order, payments: PaymentStore = createPaymentStore()): void {
  if (!isPaidStatus(order.status)) return;
  const kept = payments.load(order.merchantReference);
  if (!kept) return;
  if (kept.forCart) saveCart(withoutOrdered(loadCart(), linesOf(order.items)));
  payments.forget(order.merchantReference);
}
