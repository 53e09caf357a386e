import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode, RefundResponse } from '../../contract';
import { formatCents } from '../../latipay/amount';
import type { AppContext } from '../context';
import { nowIso } from '../db';
import { ApiError, notFound } from '../errors';
import { idempotencyConflict, requestHash, stillInProgress } from '../idempotency';
import { newRefundId } from '../ids';
import { LatipayCallError, latipayApiError } from '../latipay-error';
import { toOrder, toRefund } from '../order-view';
import type { OrderRow } from '../store/orders';

export interface RefundInput {
  merchantReference: string;
  amountCents: number;
  reason: string;
  idempotencyKey: string | null;
}

const ENDPOINT = 'refund';
const ACTION = 'refund the order';

function response(ctx: AppContext, refundId: string): RefundResponse {
  const { refunds, orders } = ctx.stores;
  const refund = refunds.get(refundId)!;
  if (refund.status === 'pending') throw stillInProgress();
  if (refund.status !== 'succeeded') {
    const code = (refund.error_code ?? 'internal_error') as ErrorCode;
    throw new ApiError(refund.error_status ?? 500, code, refund.error_message ?? 'the refund failed');
  }
  const order = orders.get(refund.merchant_reference)!;
  return { refund: toRefund(refund), order: toOrder(order, refunds.succeededFor(order.merchant_reference)) };
}

/** Throws unless `cents` may be refunded now: paid, and not more than what is neither refunded nor reserved. */
function checkRefundable(ctx: AppContext, order: OrderRow, cents: number): void {
  if (order.status !== 'paid' && order.status !== 'partially_refunded') {
    throw new ApiError(409, 'order_not_refundable', `the order is ${order.status}; only paid orders can be refunded`);
  }
  if (order.latipay_order_id === null) {
    throw new ApiError(409, 'order_not_refundable', 'the order has no Latipay order id to refund by');
  }
  const reserved = ctx.stores.refunds.reservedCents(order.merchant_reference);
  const refundable = Math.max(order.amount_cents - order.refunded_cents - reserved, 0);
  if (cents > refundable) {
    throw new ApiError(409, 'refund_exceeds_balance', `at most ${formatCents(refundable)} ${order.currency} can be refunded`);
  }
}

/**
 * Reserves the amount in one transaction, so two concurrent refunds can never together
 * exceed what is refundable; Latipay is called only after the reservation is committed.
 */
function reserve(ctx: AppContext, input: RefundInput): { refundId: string; replay: boolean } {
  const { stores } = ctx;
  return stores.transaction(() => {
    const now = nowIso();
    const refundId = newRefundId();
    if (input.idempotencyKey !== null) {
      const row = {
        scope: 'admin',
        endpoint: ENDPOINT,
        key: input.idempotencyKey,
        request_hash: requestHash([input.merchantReference, input.amountCents, input.reason]),
        merchant_reference: input.merchantReference,
        refund_id: refundId,
        created_at: now,
      };
      if (!stores.idempotency.claim(row)) {
        const earlier = stores.idempotency.find(row.scope, row.endpoint, row.key)!;
        if (earlier.request_hash !== row.request_hash) throw idempotencyConflict();
        return { refundId: earlier.refund_id!, replay: true };
      }
    }
    const order = stores.orders.get(input.merchantReference);
    if (!order) throw notFound('no order with this merchant reference');
    checkRefundable(ctx, order, input.amountCents);
    stores.refunds.insert({
      id: refundId,
      merchantReference: order.merchant_reference,
      amountCents: input.amountCents,
      reason: input.reason,
      now,
    });
    return { refundId, replay: false };
  });
}

/**
 * A refund Latipay refused, or that never reached it, certainly paid nothing out: the
 * reservation is released. Otherwise (timeout, HTTP error, unreadable answer) Latipay may
 * have refunded: the amount stays reserved and an anomaly asks a person to check.
 */
function recordFailure(ctx: AppContext, refundId: string, merchantReference: string, err: unknown, log: FastifyBaseLogger): void {
  const { stores } = ctx;
  const known = err instanceof LatipayCallError;
  if (!known) log.error({ err }, 'refund failed unexpectedly');
  const apiError = known ? latipayApiError(err, ACTION) : new ApiError(500, 'internal_error', 'the refund failed');
  const released = known && (err.kind === 'rejected' || !err.mayHaveReachedLatipay);
  const failure = { status: apiError.statusCode, code: apiError.code, message: apiError.message };
  const now = nowIso();
  stores.transaction(() => {
    const refund = stores.refunds.get(refundId)!;
    stores.refunds.finish(refundId, released ? 'failed' : 'unknown', failure, now);
    if (!released) {
      const details = { refundId, amount: formatCents(refund.amount_cents), error: apiError.message };
      stores.anomalies.record(merchantReference, 'refund_outcome_unknown', details, now);
    }
  });
  log.warn(
    { refundId, merchantReference, code: apiError.code },
    released ? 'refund failed; reservation released' : 'refund outcome unknown: amount kept reserved, recorded as an anomaly',
  );
}

async function callLatipay(ctx: AppContext, refundId: string, log: FastifyBaseLogger): Promise<void> {
  const { stores } = ctx;
  const refund = stores.refunds.get(refundId)!;
  const order = stores.orders.get(refund.merchant_reference)!;
  try {
    await ctx.latipay.refund(
      { latipayOrderId: order.latipay_order_id ?? '', amountCents: refund.amount_cents, reference: refund.reason },
      log,
    );
  } catch (err) {
    recordFailure(ctx, refundId, order.merchant_reference, err, log);
    return;
  }
  const now = nowIso();
  stores.transaction(() => {
    stores.refunds.finish(refundId, 'succeeded', null, now);
    stores.orders.addRefunded(order.merchant_reference, refund.amount_cents, now);
  });
  log.info({ refundId, merchantReference: order.merchant_reference, amount: formatCents(refund.amount_cents) }, 'refund done');
}

/** POST /api/admin/orders/:ref/refunds, by the order's Latipay order_id. */
export async function refundOrder(ctx: AppContext, input: RefundInput, log: FastifyBaseLogger): Promise<RefundResponse> {
  const { refundId, replay } = reserve(ctx, input);
  const inflightKey = `refund:${refundId}`;
  if (replay) await ctx.inflight.settled(inflightKey);
  else await ctx.inflight.run(inflightKey, () => callLatipay(ctx, refundId, log));
  return response(ctx, refundId);
}
