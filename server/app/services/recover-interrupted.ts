import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../store';
import { nowIso } from '../store/db';
import { holdRefund } from './refund-order';

export interface Recovered {
  orders: number;
  refunds: number;
}

/**
 * What a run that stopped left half done while it was asking Latipay, among what was
 * started before `startedBefore`:
 * - orders still `creating`: their buyer never got gatewaydata, so never payable:
 *   create_failed (the reconciler still asks Latipay whether one was paid);
 * - refunds still `pending`: Latipay may or may not have refunded: held (`unknown`) and
 *   recorded as an anomaly, until a person resolves them.
 * On SQLite, one process owns the file: at start-up everything before now was interrupted.
 * On PostgreSQL other instances may be asking Latipay right now: only what is older than
 * any call can last was interrupted, and the check repeats while the server runs.
 */
export async function recoverInterrupted(storage: Storage, startedBefore: string): Promise<Recovered> {
  const now = nowIso();
  const orders = await storage.transaction(async (tx) => {
    const failed = await tx.orders.failInterrupted(startedBefore, now);
    for (const merchantReference of failed) {
      await tx.events.record({ merchantReference, kind: 'create_interrupted', actor: 'system', details: {}, at: now });
    }
    return failed.length;
  });
  const refunds = await storage.transaction(async (tx) => {
    const pending = await tx.refunds.pending(startedBefore);
    for (const refund of pending) await holdRefund(tx, refund, 'the server stopped while asking Latipay', now);
    return pending.length;
  });
  return { orders, refunds };
}

export function logRecovered({ orders, refunds }: Recovered, log: FastifyBaseLogger): void {
  if (orders > 0) log.warn({ orders }, 'orders left creating by an earlier run marked create_failed');
  if (refunds > 0) log.warn({ refunds }, 'refunds left pending by an earlier run held as outcome unknown (see /api/admin/anomalies)');
}
