import type { FastifyBaseLogger } from 'fastify';
import { formatCents, parseAmount } from '../../latipay/amount';
import { verifyPaymentResult } from '../../latipay/signature';
import type { QueryAnswer } from '../../latipay/types';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';
import { LatipayCallError, latipayHttpError } from '../latipay/call-error';
import { isPaymentOpen, outcomeOf } from '../domain/payment-state';
import { applyInTransaction, logPaymentResult, type PaymentResult } from './apply-payment-result';
import type { OrderRow } from '../store/orders';

const ACTION = 'check the payment';

/**
 * The amount Latipay's query answer signed. The answer's `amount` is a JSON number, which
 * lost its trailing zeros when parsed, so the signature is checked over the order's own
 * 2-decimal amount first; if that fails, over the answer's amount (a signed mismatch, which
 * is an anomaly rather than a forgery). Null when neither verifies.
 */
function signedAmount(answer: QueryAnswer, order: OrderRow, apiKey: string): { amount: string; cents: number | null } | null {
  const fields = (amount: string) => ({
    merchant_reference: answer.merchant_reference,
    payment_method: answer.payment_method,
    status: answer.status,
    currency: answer.currency,
    amount,
  });
  const own = formatCents(order.amount_cents);
  const writtenCents = parseAmount(String(answer.amount));
  if (verifyPaymentResult(fields(own), answer.signature, apiKey)) {
    return { amount: writtenCents === null ? String(answer.amount) : formatCents(writtenCents), cents: writtenCents };
  }
  if (writtenCents !== null && verifyPaymentResult(fields(formatCents(writtenCents)), answer.signature, apiKey)) {
    return { amount: formatCents(writtenCents), cents: writtenCents };
  }
  return null;
}

/**
 * Asks Latipay about the order, verifies the answer and applies it (the shopper's refresh and
 * the reconciler: `actor` in the order's timeline). Resolves with Latipay's status. Throws HttpError when Latipay cannot
 * answer usefully.
 */
export async function checkWithLatipay(ctx: AppContext, order: OrderRow, actor: string, log: FastifyBaseLogger): Promise<string> {
  let answer: QueryAnswer;
  try {
    answer = await ctx.latipay.queryOrder(order.merchant_reference, log);
  } catch (err) {
    if (err instanceof LatipayCallError) throw latipayHttpError(err, ACTION);
    throw err;
  }
  const signed = signedAmount(answer, order, ctx.config.latipay.apiKey);
  if (!signed) {
    log.warn({ merchantReference: order.merchant_reference }, 'Latipay query answer with an invalid signature');
    throw latipayHttpError(new LatipayCallError('invalid', 'the signature does not verify', { mayHaveReachedLatipay: true }), ACTION);
  }
  const merchantReference = order.merchant_reference;
  // Our own call to Latipay about this reference: its order id may fill a missing one.
  const latipayOrderId = typeof answer.order_id === 'string' && answer.order_id !== '' ? answer.order_id : null;
  const outcome = outcomeOf(answer.status);
  // A pending answer changes nothing; it is not stored as a payment result so polling does not fill that table.
  const result: PaymentResult | null =
    outcome === null || outcome === 'pending'
      ? null
      : {
          source: 'query',
          merchantReference,
          outcome,
          latipayStatus: answer.status,
          amount: signed.amount,
          amountCents: signed.cents,
          currency: answer.currency,
          fields: { ...answer },
        };
  const applied = await ctx.storage.transaction(async (tx) => {
    const now = nowIso();
    if (latipayOrderId !== null) await tx.orders.fillLatipayOrderId(merchantReference, latipayOrderId, now);
    const details = { status: answer.status, amount: signed.amount, currency: answer.currency };
    await tx.events.record({ merchantReference, kind: 'latipay_queried', actor, details, at: now });
    return result ? (await applyInTransaction(tx, [result]))[0] : undefined;
  });
  if (result) logPaymentResult(result, applied, log);
  if (outcome === null) {
    throw latipayHttpError(new LatipayCallError('invalid', `unknown status "${answer.status}"`, { mayHaveReachedLatipay: true }), ACTION);
  }
  return answer.status;
}

/**
 * `?refresh=true`: an order whose payment result may still change, or a paid one whose
 * Latipay order id (needed to refund) never came, is checked with Latipay's payment result
 * interface; a paid or failed answer goes through the same state machine as a notification.
 * Concurrent refreshes of one order share one query, and an order is queried at most once
 * per RATE_LIMIT_REFRESH_INTERVAL_MS: within it, refreshes answer the order as last known.
 * Throws HttpError when Latipay cannot answer usefully.
 */
export async function refreshOrder(ctx: AppContext, order: OrderRow, log: FastifyBaseLogger): Promise<void> {
  const lacksOrderId = order.status === 'paid' && order.latipay_order_id === null;
  if (!isPaymentOpen(order.status) && !lacksOrderId) return;
  const intervalMs = ctx.config.limits.refreshIntervalMs;
  await ctx.inflight.join(`query:${order.merchant_reference}`, async () => {
    if (intervalMs > 0 && (await ctx.counters.hit(`refresh:${order.merchant_reference}`, intervalMs)).count > 1) return;
    await checkWithLatipay(ctx, order, 'shopper', log);
  });
}
