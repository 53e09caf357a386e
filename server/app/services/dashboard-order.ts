import type { OrderItem, OrderStatus } from '../../contract';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import type { RefundStatus } from '../store/refunds';
import { formatCents } from '../../latipay/amount';
import { toOrder } from './order-view';

/** A field of a detail, as shown: name and value. */
export type Detail = [string, string];

/** One thing that happened to an order. `what` is a dashboard string key. */
export interface TimelineEntry {
  at: string;
  what: string;
  who: string | null;
  /** What a payment result did to the order: applied, no_change or anomaly. */
  outcome?: string;
  details: Detail[];
}

export interface DashboardRefund {
  id: string;
  amountCents: number;
  reason: string;
  status: RefundStatus;
  createdAt: string;
  error: string | null;
}

/** Why an order cannot be refunded now, or null when it can. */
export type NotRefundable = { why: 'status'; status: OrderStatus } | { why: 'noLatipayId' } | { why: 'nothingLeft' } | null;

export interface OrderDetail {
  merchantReference: string;
  status: OrderStatus;
  currency: string;
  amountCents: number;
  refundedCents: number;
  /** Refunds pending or whose outcome is unknown: Latipay may still pay them out. */
  heldCents: number;
  leftCents: number;
  createdAt: string;
  paidAt: string | null;
  latipayOrderId: string | null;
  buyerId: string | null;
  lines: OrderItem[];
  notRefundable: NotRefundable;
  refunds: DashboardRefund[];
  anomalies: { at: string; kind: string; details: Detail[] }[];
  timeline: TimelineEntry[];
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A JSON object's fields as shown: nested values as JSON. */
export function detailPairs(details: Record<string, unknown>): Detail[] {
  return Object.entries(details).map(([name, value]) => [name, shown(value)]);
}

const detailsOf = (json: string): Detail[] => detailPairs(JSON.parse(json) as Record<string, unknown>);

const REFUND_OUTCOME_EVENT: Partial<Record<RefundStatus, string>> = {
  succeeded: 'event.refund_succeeded',
  failed: 'event.refund_failed',
  unknown: 'event.refund_held',
};

/**
 * An order's page: its lines and amounts, whether it can be refunded now, its refunds and
 * anomalies, and its timeline: events, payment results (notifications and query answers),
 * refunds and anomalies merged by time. Refunds made before events were recorded appear from
 * their own rows.
 */
export async function dashboardOrder(ctx: AppContext, merchantReference: string): Promise<OrderDetail> {
  const { storage } = ctx;
  const row = await storage.orders.get(merchantReference);
  if (!row) throw notFound('no order with this merchant reference');
  const [events, results, refunds, anomalies, heldCents] = await Promise.all([
    storage.events.forOrder(merchantReference),
    storage.paymentResults.forOrder(merchantReference),
    storage.refunds.forOrder(merchantReference),
    storage.anomalies.forOrder(merchantReference),
    storage.refunds.reservedCents(merchantReference),
  ]);
  const leftCents = Math.max(row.amount_cents - row.refunded_cents - heldCents, 0);
  const notRefundable: NotRefundable =
    row.status !== 'paid' && row.status !== 'partially_refunded'
      ? { why: 'status', status: row.status }
      : row.latipay_order_id === null
        ? { why: 'noLatipayId' }
        : leftCents === 0
          ? { why: 'nothingLeft' }
          : null;
  const lines = toOrder(row, []).items;

  const timeline: TimelineEntry[] = [
    {
      at: row.created_at,
      what: 'timeline.created',
      who: null,
      details: [
        ['products', row.product_name],
        ['amount', `${formatCents(row.amount_cents)} ${row.currency}`],
        ['buyer', shown(row.buyer_id)],
      ],
    },
  ];
  const refundsWithEvents = new Set<unknown>();
  for (const event of events) {
    const details = JSON.parse(event.details) as Record<string, unknown>;
    if (details.refundId !== undefined) refundsWithEvents.add(details.refundId);
    timeline.push({ at: event.at, what: `event.${event.kind}`, who: event.actor, details: detailsOf(event.details) });
  }
  for (const result of results) {
    timeline.push({
      at: result.received_at,
      what: result.source === 'notify' ? 'timeline.notification' : 'timeline.query',
      who: 'latipay',
      outcome: result.outcome,
      details: detailsOf(result.fields),
    });
  }
  for (const refund of refunds) {
    if (refundsWithEvents.has(refund.id)) continue;
    const details: Detail[] = [['refundId', refund.id], ['amount', formatCents(refund.amount_cents)], ['reason', refund.reason]];
    timeline.push({ at: refund.created_at, what: 'event.refund_requested', who: null, details });
    const outcome = REFUND_OUTCOME_EVENT[refund.status];
    if (outcome) timeline.push({ at: refund.updated_at, what: outcome, who: null, details: [['refundId', refund.id]] });
  }
  for (const anomaly of anomalies) {
    timeline.push({ at: anomaly.created_at, what: 'timeline.anomaly', who: 'system', details: [['kind', anomaly.kind], ...detailsOf(anomaly.details)] });
  }
  // A stable sort: entries at the same instant keep the order above.
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  return {
    merchantReference: row.merchant_reference,
    status: row.status,
    currency: row.currency,
    amountCents: row.amount_cents,
    refundedCents: row.refunded_cents,
    heldCents,
    leftCents,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    latipayOrderId: row.latipay_order_id,
    buyerId: row.buyer_id,
    lines,
    notRefundable,
    refunds: refunds.map((refund) => ({
      id: refund.id,
      amountCents: refund.amount_cents,
      reason: refund.reason,
      status: refund.status,
      createdAt: refund.created_at,
      error: refund.error_message,
    })),
    anomalies: anomalies.map((anomaly) => ({ at: anomaly.created_at, kind: anomaly.kind, details: detailsOf(anomaly.details) })),
    timeline,
  };
}

/** What refunding `cents` of the order would leave, for the confirmation step (the refund itself decides). */
export function refundPreview(order: OrderDetail, cents: number) {
  const refundedAfter = order.refundedCents + cents;
  return {
    refundedAfter,
    leftAfter: Math.max(order.leftCents - cents, 0),
    statusAfter: (refundedAfter === order.amountCents ? 'refunded' : 'partially_refunded') satisfies OrderStatus,
  };
}
