import type { FastifyBaseLogger } from 'fastify';
import type { RefundResponse } from '../../contract';
import { formatCents } from '../../latipay/amount';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';
import { HttpError, notFound, recordedError } from '../errors';
import { newRefundId } from '../store/ids';
import { LatipayCallError, latipayHttpError } from '../latipay/call-error';
import { toRefund, viewOrder } from './order-view';
import type { Stores } from '../store';
import type { OrderRow } from '../store/orders';
import type { RefundRow } from '../store/refunds';
import { callOnce, claimAndRecord, stillInProgress } from './idempotency';

export interface RefundInput {
  merchantReference: string;
  amountCents: number;
  reason: string;
  idempotencyKey: string | null;
  /** Who asks, for the order's timeline: `admin:api` (bearer token) or `admin:<dashboard session>`. */
  actor: string;
}

const ACTION = 'refund the order';

async function response(ctx: AppContext, refundId: string): Promise<RefundResponse> {
  const { refunds, orders } = ctx.storage;
  const refund = (await refunds.get(refundId))!;
  if (refund.status === 'pending') throw stillInProgress();
  if (refund.status !== 'succeeded') {
    throw recordedError({ status: refund.error_status, code: refund.error_code, message: refund.error_message }, 'the refund failed');
  }
  const order = (await orders.get(refund.merchant_reference))!;
  return { refund: toRefund(refund), order: await viewOrder(ctx.storage, order) };
}

/** Throws unless `cents` may be refunded now: paid, and not more than what is neither refunded nor reserved. */
async function checkRefundable(tx: Stores, order: OrderRow, cents: number): Promise<void> {
  if (order.status !== 'paid' && order.status !== 'partially_refunded') {
    throw new HttpError(409, 'order_not_refundable', `the order is ${order.status}; only paid orders can be refunded`);
  }
  if (order.latipay_order_id === null) {
    throw new HttpError(
      409,
      'order_not_refundable',
      "Latipay's order id for this order is not known yet; refresh the order first (GET /api/orders/{merchantReference}?refresh=true)",
    );
  }
  const reserved = await tx.refunds.reservedCents(order.merchant_reference);
  const refundable = Math.max(order.amount_cents - order.refunded_cents - reserved, 0);
  if (cents > refundable) {
    throw new HttpError(409, 'refund_exceeds_balance', `at most ${formatCents(refundable)} ${order.currency} can be refunded`);
  }
}

/**
 * Marks a refund whose outcome is unknown (Latipay may have paid it out) and records an
 * anomaly: its amount stays reserved until a person resolves it. Call inside a transaction.
 */
export async function holdRefund(tx: Stores, refund: RefundRow, cause: string, now: string): Promise<void> {
  const message =
    `the refund's outcome is unknown (${cause}): ${formatCents(refund.amount_cents)} stays held until a person ` +
    `checks with Latipay and resolves refund ${refund.id} (POST /api/admin/refunds/${refund.id}/resolve)`;
  if (!(await tx.refunds.finish(refund.id, 'pending', 'unknown', { status: 502, code: 'refund_outcome_unknown', message }, now))) return;
  const details = { refundId: refund.id, amount: formatCents(refund.amount_cents), error: cause };
  await tx.anomalies.record(refund.merchant_reference, 'refund_outcome_unknown', details, now);
  await tx.events.record({ merchantReference: refund.merchant_reference, kind: 'refund_held', actor: 'system', details, at: now });
}

/**
 * A refund Latipay refused, or that never reached it, certainly paid nothing out: the
 * reservation is released. Otherwise (timeout, HTTP error, unreadable answer) Latipay may
 * have refunded: the refund is held.
 */
async function recordFailure(ctx: AppContext, refund: RefundRow, err: unknown, log: FastifyBaseLogger): Promise<void> {
  const known = err instanceof LatipayCallError;
  if (!known) log.error({ err }, 'refund failed unexpectedly');
  const released = known && (err.kind === 'rejected' || !err.mayHaveReachedLatipay);
  const now = nowIso();
  if (released) {
    const { statusCode, code, message } = latipayHttpError(err, ACTION, 'admin');
    await ctx.storage.transaction(async (tx) => {
      if (!(await tx.refunds.finish(refund.id, 'pending', 'failed', { status: statusCode, code, message }, now))) return;
      const details = { refundId: refund.id, amount: formatCents(refund.amount_cents), code, message };
      await tx.events.record({ merchantReference: refund.merchant_reference, kind: 'refund_failed', actor: 'latipay', details, at: now });
    });
  } else {
    await ctx.storage.transaction((tx) => holdRefund(tx, refund, known ? `Latipay: ${err.message}` : 'unexpected error', now));
  }
  log.warn(
    { refundId: refund.id, merchantReference: refund.merchant_reference },
    released ? 'refund failed; reservation released' : 'refund outcome unknown: amount held, recorded as an anomaly',
  );
}

async function callLatipay(ctx: AppContext, refundId: string, log: FastifyBaseLogger): Promise<void> {
  const refund = (await ctx.storage.refunds.get(refundId))!;
  const order = (await ctx.storage.orders.get(refund.merchant_reference))!;
  try {
    await ctx.latipay.refund(
      { latipayOrderId: order.latipay_order_id!, amountCents: refund.amount_cents, reference: refund.reason },
      log,
    );
  } catch (err) {
    await recordFailure(ctx, refund, err, log);
    return;
  }
  const now = nowIso();
  const counted = await ctx.storage.transaction(async (tx) => {
    // Only a refund still pending is counted: another process (a restart's recovery) may
    // have held it meanwhile, and a person resolves a held one.
    if (!(await tx.refunds.finish(refundId, 'pending', 'succeeded', null, now))) return false;
    await tx.orders.addRefunded(order.merchant_reference, refund.amount_cents, now);
    const details = { refundId, amount: formatCents(refund.amount_cents) };
    await tx.events.record({ merchantReference: order.merchant_reference, kind: 'refund_succeeded', actor: 'latipay', details, at: now });
    return true;
  });
  if (!counted) {
    log.warn({ refundId, merchantReference: order.merchant_reference }, 'Latipay refunded a refund no longer pending here: left for a person to resolve');
    return;
  }
  log.info({ refundId, merchantReference: order.merchant_reference, amount: formatCents(refund.amount_cents) }, 'refund done');
}

/**
 * POST /api/admin/orders/:ref/refunds, by the order's Latipay order_id. The amount is
 * reserved in the same transaction as the checks, the order's row locked meanwhile (on
 * PostgreSQL; SQLite has one writer), so two concurrent refunds can never together exceed
 * what is refundable, on one instance or several; Latipay is called only after it is committed.
 */
export async function refundOrder(ctx: AppContext, input: RefundInput, log: FastifyBaseLogger): Promise<RefundResponse> {
  const refundId = newRefundId();
  const request = {
    scope: 'admin',
    endpoint: 'refund',
    key: input.idempotencyKey,
    meaning: [input.merchantReference, input.amountCents, input.reason],
    merchantReference: input.merchantReference,
    refundId,
  };
  return callOnce<RefundResponse>(ctx, request, {
    claim: () =>
      claimAndRecord(ctx, request, async (tx, now) => {
        const order = await tx.orders.get(input.merchantReference);
        if (!order) throw notFound('no order with this merchant reference');
        await checkRefundable(tx, order, input.amountCents);
        const { amountCents, reason } = input;
        await tx.refunds.insert({ id: refundId, merchantReference: order.merchant_reference, amountCents, reason, now });
        const details = { refundId, amount: formatCents(amountCents), reason };
        await tx.events.record({ merchantReference: order.merchant_reference, kind: 'refund_requested', actor: input.actor, details, at: now });
      }),
    // The answer is read back: a refund's outcome can be held (unknown) as well as done.
    call: async () => {
      await callLatipay(ctx, refundId, log);
      return undefined;
    },
    answer: (id) => response(ctx, id),
  });
}
