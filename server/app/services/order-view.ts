import type { Order, OrderItem, Refund } from '../../contract';
import { lineTotalCents } from '../domain/order-lines';
import { formatCents } from '../../latipay/amount';
import type { Stores } from '../store';
import type { OrderViewRow, StoredLine } from '../store/orders';
import type { RefundRow } from '../store/refunds';

export function toRefund(row: RefundRow): Refund {
  return { id: row.id, amount: formatCents(row.amount_cents), reason: row.reason, createdAt: row.created_at };
}

/** The order's lines; an order made before carts has one, product_id × quantity. */
function linesOf(row: OrderViewRow): StoredLine[] {
  if (row.items !== null) return JSON.parse(row.items) as StoredLine[];
  const unitPriceCents = row.amount_cents / row.quantity;
  return [{ productId: row.product_id, name: row.product_name, quantity: row.quantity, unitPriceCents }];
}

function toItem(line: StoredLine): OrderItem {
  return {
    productId: line.productId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: formatCents(line.unitPriceCents),
    lineTotal: formatCents(lineTotalCents(line)),
  };
}

/** The API's Order: what the buyer may see (no buyer id, no Latipay error internals). */
export function toOrder(row: OrderViewRow, refunds: RefundRow[]): Order {
  return {
    merchantReference: row.merchant_reference,
    status: row.status,
    amount: formatCents(row.amount_cents),
    currency: row.currency,
    productName: row.product_name,
    items: linesOf(row).map(toItem),
    latipayOrderId: row.latipay_order_id,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    refundedAmount: formatCents(row.refunded_cents),
    refunds: refunds.map(toRefund),
  };
}

/** The API's Order for a row, with its refunds (none to look up while nothing is refunded). */
export async function viewOrder(stores: Stores, row: OrderViewRow): Promise<Order> {
  return toOrder(row, row.refunded_cents === 0 ? [] : await stores.refunds.succeededFor(row.merchant_reference));
}
