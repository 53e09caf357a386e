import type { FastifyBaseLogger } from 'fastify';
import type { OrderStatus } from '../../contract';
import type { AppContext } from '../context';
import { outcomeOf } from '../domain/payment-state';
import { HttpError } from '../errors';
import { nowIso } from '../store/db';
import type { OrderRow } from '../store/orders';
import { expireIfUnpaid } from './expire-order';
import { checkWithLatipay } from './refresh-order';
import { nextCheckAt, scheduleRules } from './reconciler-schedule';

/** What Latipay said about the order (`error`: nothing usable), or `none` when it was not asked. */
export type CheckResult = 'paid' | 'failed' | 'pending' | 'error' | 'none';

export interface CheckedOrder {
  result: CheckResult;
  /** The order's status when claimed, and after the check (undefined when the order is gone). */
  from: OrderStatus;
  to: OrderStatus | undefined;
}

/** Statuses whose payment result may still change, and a paid order still without the Latipay order id a refund needs. */
function worthAsking(order: OrderRow): boolean {
  if (order.status === 'paid') return order.latipay_order_id === null;
  return order.status === 'pending' || order.status === 'failed' || order.status === 'create_failed';
}

/**
 * One order the reconciler holds (its lease): asks Latipay about it, applying the answer as a
 * notification would (checkWithLatipay), expires it when its time is up and Latipay still calls
 * it unpaid, then records the check, when the next one is due, and lets go of it. An order that
 * no longer needs asking (a notification settled it since) is only let go of, its checks ended.
 * Never throws for Latipay's failures: the order is simply asked again at its next time.
 */
export async function checkClaimedOrder(ctx: AppContext, order: OrderRow, log: FastifyBaseLogger): Promise<CheckedOrder> {
  const rules = scheduleRules(ctx.config);
  const merchantReference = order.merchant_reference;
  const asking = worthAsking(order);
  const queriedAtMs = Date.now();
  let latipayStatus: string | null = null;
  if (asking) {
    try {
      latipayStatus = await checkWithLatipay(ctx, order, 'reconciler', log);
    } catch (err) {
      // Latipay's failures are on the log line already (latipay/client.ts); anything else is ours.
      if (!(err instanceof HttpError)) log.error({ err }, 'the reconciler could not check the order');
    }
  }
  const to = await ctx.storage.transaction(async (tx) => {
    const current = await tx.orders.get(merchantReference);
    if (!current) return undefined;
    // Held too long (the lease ran out and another instance took the order): that one records its own check.
    if (current.lease_until !== order.lease_until) return current.status;
    const now = nowIso();
    const expired = latipayStatus !== null && (await expireIfUnpaid(tx, current, latipayStatus, queriedAtMs, rules, now));
    const status: OrderStatus = expired ? 'expired' : current.status;
    const checks = asking ? current.checks + 1 : current.checks;
    const next = nextCheckAt({ ...current, status }, checks, Date.now(), rules);
    await tx.orders.scheduleCheck(merchantReference, checks, next, order.lease_until);
    return status;
  });
  const outcome = latipayStatus === null ? null : outcomeOf(latipayStatus);
  const result: CheckResult = !asking ? 'none' : outcome === null ? 'error' : outcome;
  return { result, from: order.status, to };
}
