import type { Order, OrderItem } from '../server/contract';
import { formatMoney } from './money';

/** An order as the templates show it: texts ready, nothing left to compute in AXML. */
export interface OrderView {
  ref: string;
  status: Order['status'];
  /** The server's summary of the lines, e.g. "Flat white ×2 +1 more". */
  productName: string;
  lines: OrderLineView[];
  amountText: string;
  /** null while nothing was refunded. */
  refundedText: string | null;
  createdText: string;
  paidText: string | null;
  refunds: { id: string; amountText: string; reason: string; dateText: string }[];
}

/** One line of an order: "Flat white × 2" and what it cost. */
export interface OrderLineView {
  productId: string;
  label: string;
  lineTotalText: string;
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** ISO 8601 (UTC) to the phone's local "YYYY-MM-DD HH:mm"; unparsable input is shown as is. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function lineView(item: OrderItem, currency: string): OrderLineView {
  return { productId: item.productId, label: `${item.name} × ${item.quantity}`, lineTotalText: formatMoney(item.lineTotal, currency) };
}

export function toOrderView(order: Order): OrderView {
  const money = (amount: string): string => formatMoney(amount, order.currency);
  return {
    ref: order.merchantReference,
    status: order.status,
    productName: order.productName,
    lines: order.items.map((item) => lineView(item, order.currency)),
    amountText: money(order.amount),
    refundedText: order.refunds.length > 0 || order.refundedAmount !== '0.00' ? money(order.refundedAmount) : null,
    createdText: formatDateTime(order.createdAt),
    paidText: order.paidAt ? formatDateTime(order.paidAt) : null,
    refunds: order.refunds.map((refund) => ({
      id: refund.id,
      amountText: money(refund.amount),
      reason: refund.reason,
      dateText: formatDateTime(refund.createdAt),
    })),
  };
}
