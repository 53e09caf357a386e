import type { Order, Refund } from '../../contract';
import { formatCents } from '../../latipay/amount';
import type { Stores } from '../store';
import type { OrderViewRow } from '../store/orders';
import type { RefundRow } from '../store/refunds';

export function toRefund(row: RefundRow): Refund {
  return { id: row.id, amount: formatCents(row.amount_cents), reason: row.reason, createdAt: row.created_at };
}

/** The API's Order: what the buyer may see (no buyer id, no Latipay error internals). */
export function toOrder(row: OrderViewRow, refunds: RefundRow[]): Order {
  return {
    merchantReference: row.merchant_reference,
    status: row.status,
    amount: formatCents(row.amount_cents),
    currency: row.currency,
    productId: row.product_id,
    productName: row.product_name,
    quantity: row.quantity,
    latipayOrderId: row.latipay_order_id,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    refundedAmount: formatCents(row.refunded_cents),
    refunds: refunds.map(toRefund),
  };
}

/** The API's Order for a row, with its refunds (none to look up while nothing is refunded). */
export function viewOrder(stores: Stores, row: OrderViewRow): Order {
  return toOrder(row, row.refunded_cents === 0 ? [] : stores.refunds.succeededFor(row.merchant_reference));
}
