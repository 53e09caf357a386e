import type { FastifyBaseLogger } from 'fastify';
import { formatCents } from '../../latipay/amount';
import { nextStatus, type PaymentResultOutcome, type PaymentState } from '../domain/payment-state';
import { addToRequestLine } from '../request-log';
import type { Storage, Stores } from '../store';
import type { AnomalyKind } from '../store/anomalies';
import { nowIso } from '../store/db';
import type { ResultEffect } from '../store/payment-results';

/** An authenticated payment result from Latipay: a notification or a query answer. */
export interface PaymentResult {
  source: 'notify' | 'query';
  merchantReference: string;
  /** null: a status this integration does not know (recorded as an anomaly). */
  outcome: PaymentResultOutcome | null;
  /** Latipay's status as sent (canceled, rejected... are kept for the record). */
  latipayStatus: string;
  /** The amount as Latipay wrote it, and in cents (null when it does not parse). */
  amount: string;
  amountCents: number | null;
  currency: string;
  /** Everything received, stored without the signature. */
  fields: Record<string, unknown>;
}

/** What applying a result did: the order's payment state after it, and the effect recorded. */
export interface AppliedResult {
  order: PaymentState;
  outcome: ResultEffect;
}

/** Why a result cannot be applied to the order, or null when it can. */
function anomalyOf(order: PaymentState, result: PaymentResult): AnomalyKind | null {
  if (result.amountCents !== order.amount_cents) return 'amount_mismatch';
  if (result.currency !== order.currency) return 'currency_mismatch';
  if (result.outcome === null) return 'unknown_status';
  return null;
}

/**
 * Checks a payment result against the order and applies it, in one transaction: the result
 * is stored, then either an anomaly is recorded (amount, currency or status not as expected:
 * never marked paid) or the state machine decides. Returns undefined, changing nothing, for
 * an unknown order.
 */
export function applyPaymentResult(storage: Storage, result: PaymentResult): Promise<AppliedResult | undefined> {
  return storage.transaction((tx) => applyInTransaction(tx, result));
}

/** applyPaymentResult inside a transaction in progress (the order's row is locked on PostgreSQL). */
export async function applyInTransaction(stores: Stores, result: PaymentResult): Promise<AppliedResult | undefined> {
  let order = await stores.orders.getPaymentState(result.merchantReference);
  if (!order) return undefined;
  const now = nowIso();
  let outcome: ResultEffect = 'no_change';
  const anomaly = anomalyOf(order, result);
  if (anomaly) {
    outcome = 'anomaly';
    await stores.anomalies.record(
      order.merchant_reference,
      anomaly,
      {
        source: result.source,
        latipayStatus: result.latipayStatus,
        expected: { amount: formatCents(order.amount_cents), currency: order.currency },
        received: { amount: result.amount, currency: result.currency },
      },
      now,
    );
  } else {
    const to = result.outcome && nextStatus(order.status, result.outcome);
    if (to) {
      const from = order.status;
      const changed = await stores.orders.changeStatus({ merchantReference: order.merchant_reference, from, to, paidAt: to === 'paid' ? now : null, now });
      if (changed) {
        order = changed;
        outcome = 'applied';
        // Money moved after the order was given up: it is paid, and a person should know.
        if (from === 'expired') {
          const details = { source: result.source, amount: result.amount, currency: result.currency };
          await stores.anomalies.record(order.merchant_reference, 'paid_after_expiry', details, now);
        }
      }
    }
  }
  // Every notification is kept; a query answer only when it changed something or is an
  // anomaly, so a shopper polling `?refresh=true` does not fill the table.
  if (result.source === 'notify' || outcome !== 'no_change') {
    await stores.paymentResults.insert({
      source: result.source,
      merchantReference: order.merchant_reference,
      status: result.latipayStatus,
      amount: result.amount,
      currency: result.currency,
      fields: result.fields,
      outcome,
      receivedAt: now,
    });
  }
  return { order, outcome };
}

/** Logs what applyPaymentResult did, once it is committed. */
export function logPaymentResult(result: PaymentResult, applied: AppliedResult | undefined, log: FastifyBaseLogger): void {
  const { merchantReference, source, latipayStatus } = result;
  if (applied?.outcome === 'anomaly') {
    log.warn(
      {
        merchantReference,
        source,
        latipayStatus,
        expected: { amount: formatCents(applied.order.amount_cents), currency: applied.order.currency },
        received: { amount: result.amount, currency: result.currency },
      },
      'payment result does not match the order: recorded as an anomaly, order not changed',
    );
  } else if (applied) {
    const { outcome, order } = applied;
    const payment = { merchantReference, source, latipayStatus, outcome, status: order.status };
    addToRequestLine(log, { payment }, 'payment result processed');
  }
}
