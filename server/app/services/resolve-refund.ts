import type { FastifyBaseLogger } from 'fastify';
import type { Order, Refund } from '../../contract';
import { formatCents } from '../../latipay/amount';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';
import { HttpError, notFound } from '../errors';
import { toRefund, viewOrder } from './order-view';
import type { RefundRow, RefundStatus } from '../store/refunds';


/** What a person found at Latipay about a refund whose outcome was unknown. */
export type RefundResolution = { outcome: 'succeeded' | 'failed'; note: string | null };

export interface ResolveRefundResponse {
  refund: Refund & { status: RefundStatus };
  order: Order;
}

const NOT_REFUNDED = 'Latipay did not make this refund (resolved by a person); its amount can be refunded again';

/**
 * POST /api/admin/refunds/{refundId}/resolve: a person has checked with Latipay what became
 * of a refund whose outcome was unknown. In one transaction: succeeded adds it to the
 * order's refunded amount; failed releases the amount it held.
 */
export async function resolveRefund(
  ctx: AppContext,
  refundId: string,
  resolution: RefundResolution,
  actor: string,
  log: FastifyBaseLogger,
): Promise<ResolveRefundResponse> {
  // A refusal leaves the transaction as a value: thrown inside, it would roll back what shares its commit (SQLite).
  const resolved = await ctx.storage.transaction(async (stores): Promise<RefundRow | HttpError> => {
    const held = await stores.refunds.get(refundId);
    if (!held) return notFound('no refund with this id');
    if (held.status !== 'unknown') {
      return new HttpError(409, 'refund_not_resolvable', `the refund is ${held.status}; only a refund whose outcome is unknown can be resolved`);
    }
    const now = nowIso();
    if (resolution.outcome === 'succeeded') {
      await stores.refunds.finish(refundId, 'unknown', 'succeeded', null, now);
      await stores.orders.addRefunded(held.merchant_reference, held.amount_cents, now);
    } else {
      await stores.refunds.finish(refundId, 'unknown', 'failed', { status: 502, code: 'latipay_error', message: NOT_REFUNDED }, now);
    }
    await stores.anomalies.resolveRefund(held.merchant_reference, refundId, { ...resolution, at: now });
    await stores.events.record({
      merchantReference: held.merchant_reference,
      kind: 'refund_resolved',
      actor,
      details: { refundId, amount: formatCents(held.amount_cents), ...resolution },
      at: now,
    });
    return (await stores.refunds.get(refundId))!;
  });
  if (resolved instanceof HttpError) throw resolved;
  const refund = resolved;
  const { merchant_reference: merchantReference } = refund;
  log.info({ refundId, merchantReference, outcome: resolution.outcome }, 'refund with unknown outcome resolved by an admin');
  return {
    refund: { ...toRefund(refund), status: refund.status },
    order: await viewOrder(ctx.storage, (await ctx.storage.orders.get(merchantReference))!),
  };
}
