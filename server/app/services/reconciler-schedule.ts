import type { OrderStatus } from '../../contract';
import type { AppConfig } from '../config/config';
import type { ReconcileConfig } from '../config/operations';

/** What decides whether, and when, the reconciler asks Latipay about an order again. */
export interface CheckedOrder {
  status: OrderStatus;
  created_at: string;
  latipay_order_id: string | null;
}

export interface ScheduleRules {
  reconcile: Pick<ReconcileConfig, 'scheduleMs' | 'repeatMs' | 'failedWindowMs'>;
  /** ORDER_EXPIRES_AFTER_S in milliseconds. */
  expiresAfterMs: number;
}

export function scheduleRules(config: Pick<AppConfig, 'reconcile' | 'orderExpiresAfterS'>): ScheduleRules {
  return { reconcile: config.reconcile, expiresAfterMs: config.orderExpiresAfterS * 1000 };
}

/** When an order made at `createdAt` is first checked: after the schedule's first delay. */
export function firstCheckAt(createdAt: string, rules: ScheduleRules): string {
  return new Date(Date.parse(createdAt) + rules.reconcile.scheduleMs[0]).toISOString();
}

/** When an unpaid order expires. */
export function expiresAt(order: Pick<CheckedOrder, 'created_at'>, rules: ScheduleRules): number {
  return Date.parse(order.created_at) + rules.expiresAfterMs;
}

/**
 * The first due time after `nowMs`, in ms after creation, among the check times from the
 * `checks`-th on: the schedule's delays, then one every repeatMs. Times already past (the
 * server was down, or the backlog is long) are skipped rather than queried in a burst.
 */
function nextOffset(checks: number, elapsedMs: number, { scheduleMs, repeatMs }: ScheduleRules['reconcile']): number {
  const n = scheduleMs.length;
  const last = scheduleMs[n - 1];
  const offset = (k: number) => (k < n ? scheduleMs[k] : last + (k - n + 1) * repeatMs);
  let k = checks;
  while (k < n && offset(k) <= elapsedMs) k += 1;
  if (k >= n && offset(k) <= elapsedMs) k = n + Math.floor((elapsedMs - last) / repeatMs);
  return offset(k);
}

/**
 * When the reconciler should next ask Latipay about the order, having asked `checks` times,
 * or null when it no longer needs asking:
 * - `pending`: along the schedule, and at the latest when it expires (its last query); past
 *   that (the last query got no answer), again after the first delay.
 * - `failed`, `create_failed`, and a paid order whose Latipay order id never came: along the
 *   schedule while within failedWindowMs of creation (money may still move; the order id is
 *   needed to refund).
 * - anything else (paid with its order id, refunded, expired): never.
 */
export function nextCheckAt(order: CheckedOrder, checks: number, nowMs: number, rules: ScheduleRules): string | null {
  const created = Date.parse(order.created_at);
  const { reconcile } = rules;
  const due = created + nextOffset(checks, nowMs - created, reconcile);
  if (order.status === 'pending') {
    const expiry = expiresAt(order, rules);
    if (nowMs >= expiry) return new Date(nowMs + reconcile.scheduleMs[0]).toISOString();
    return new Date(Math.min(due, expiry)).toISOString();
  }
  const lacksOrderId = order.status === 'paid' && order.latipay_order_id === null;
  if (order.status === 'failed' || order.status === 'create_failed' || lacksOrderId) {
    return due <= created + reconcile.failedWindowMs ? new Date(due).toISOString() : null;
  }
  return null;
}
