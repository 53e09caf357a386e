import type { FastifyBaseLogger } from 'fastify';
import { nowIso } from './db';
import { holdRefund } from './services/refund-order';
import type { Stores } from './store';

/**
 * At start-up, what an earlier run left half done while it was asking Latipay:
 * - orders still `creating`: their buyer never got gatewaydata, so never payable: create_failed;
 * - refunds still `pending`: Latipay may or may not have refunded: held (`unknown`) and
 *   recorded as an anomaly, until a person resolves them.
 */
export function recoverInterrupted(stores: Stores, log: FastifyBaseLogger): void {
  const now = nowIso();
  const orders = stores.orders.failInterrupted(now);
  if (orders > 0) log.warn({ orders }, 'orders left creating by an earlier run marked create_failed');
  const refunds = stores.transaction(() => {
    const pending = stores.refunds.pending();
    for (const refund of pending) holdRefund(stores, refund, 'the server stopped while asking Latipay', now);
    return pending.length;
  });
  if (refunds > 0) log.warn({ refunds }, 'refunds left pending by an earlier run held as outcome unknown (see /api/admin/anomalies)');
}
