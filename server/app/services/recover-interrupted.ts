import type { FastifyBaseLogger } from 'fastify';
import type { Stores } from '../store';
import { nowIso } from '../store/db';
import { holdRefund } from './refund-order';

export interface Recovered {
  orders: number;
  refunds: number;
}

/**
 * At start-up, what an earlier run left half done while it was asking Latipay:
 * - orders still `creating`: their buyer never got gatewaydata, so never payable: create_failed;
 * - refunds still `pending`: Latipay may or may not have refunded: held (`unknown`) and
 *   recorded as an anomaly, until a person resolves them.
 */
export function recoverInterrupted(stores: Stores): Recovered {
  const now = nowIso();
  const orders = stores.orders.failInterrupted(now);
  const refunds = stores.transaction(() => {
    const pending = stores.refunds.pending();
    for (const refund of pending) holdRefund(stores, refund, 'the server stopped while asking Latipay', now);
    return pending.length;
  });
  return { orders, refunds };
}

export function logRecovered({ orders, refunds }: Recovered, log: FastifyBaseLogger): void {
  if (orders > 0) log.warn({ orders }, 'orders left creating by an earlier run marked create_failed');
  if (refunds > 0) log.warn({ refunds }, 'refunds left pending by an earlier run held as outcome unknown (see /api/admin/anomalies)');
}
