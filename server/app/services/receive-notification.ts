import type { FastifyBaseLogger } from 'fastify';
import { parseAmount } from '../../latipay/amount';
import { verifyPaymentResult } from '../../latipay/signature';
import type { AppContext } from '../context';
import { HttpError, badRequest, notFound } from '../errors';
import { outcomeOf } from '../domain/payment-state';
import type { ResultEffect } from '../store/payment-results';
import { applyPaymentResult, logPaymentResult, type PaymentResult } from './apply-payment-result';

/** The fields Latipay signs in a notification, in the order it signs them, and the signature. */
const SIGNED = ['merchant_reference', 'payment_method', 'status', 'currency', 'amount'] as const;

/** A form field's value, or '' when it is missing or given more than once. */
function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/**
 * POST /api/latipay/notify, Latipay's asynchronous payment result, from its parsed form.
 * The signature is checked before anything else (constant time): a notification that lacks
 * a signed field cannot verify, and gets 403 like any other forgery. Only then are the fields
 * checked (400) and the order looked up (404). Resolves once the result is committed
 * (notifications arriving together are applied in one transaction: applyPaymentResult).
 *
 * A result whose amount or currency differs from the order's, or whose status is unknown,
 * is accepted too, after it has been stored and recorded as an anomaly: it will never match
 * on a retry, and a 4xx would only make Latipay resend it every 30 s forever. The order is
 * left unchanged. Refusals are the caller's to log and count (routes/notify.ts). Resolves with
 * what the result did: applied, no_change or anomaly.
 */
export async function receiveNotification(ctx: AppContext, form: Record<string, unknown>, log: FastifyBaseLogger): Promise<ResultEffect> {
  const [merchantReference, paymentMethod, status, currency, amount] = SIGNED.map((name) => field(form, name));
  const signed = { merchant_reference: merchantReference, payment_method: paymentMethod, status, currency, amount };
  if (!verifyPaymentResult(signed, form.signature, ctx.config.latipay.apiKey)) {
    throw new HttpError(403, 'invalid_signature', 'the notification signature does not verify');
  }
  const missing = SIGNED.filter((name) => field(form, name) === '');
  if (missing.length > 0) throw badRequest(`the notification lacks ${missing.join(', ')} (or has them twice)`);

  const result: PaymentResult = {
    source: 'notify',
    merchantReference,
    outcome: outcomeOf(status),
    latipayStatus: status,
    amount,
    amountCents: parseAmount(amount),
    currency,
    fields: form,
  };
  const applied = await applyPaymentResult(ctx.storage, result);
  logPaymentResult(result, applied, log);
  if (!applied) throw notFound('no order with this merchant reference');
  return applied.outcome;
}
