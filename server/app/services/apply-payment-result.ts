import type { FastifyBaseLogger } from 'fastify';
import { formatCents } from '../../latipay/amount';
import { nextStatus, type PaymentResultOutcome, type PaymentState } from '../domain/payment-state';
import { addToRequestLine } from '../request-log';
import type { Storage, Stores } from '../store';
import type { AnomalyKind } from '../store/anomalies';
import { nowIso } from '../store/db';
import type { PaymentResultRecord, ResultEffect } from '../store/payment-results';
import type { StatusChange } from '../store/orders';
import { BATCH_LIMITS, Batcher, perStorage } from '../store/batcher';

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

/** Notifications arriving together are applied in one transaction (Batcher). */
const batches = perStorage((storage: Storage) =>
  new Batcher((results: PaymentResult[]) => storage.transaction((tx) => applyInTransaction(tx, results)), BATCH_LIMITS),
);

/**
 * Checks a payment result against the order and applies it, in one transaction: the result
 * is stored, then either an anomaly is recorded (amount, currency or status not as expected:
 * never marked paid) or the state machine decides. Returns undefined, changing nothing, for
 * an unknown order.
 */
export function applyPaymentResult(storage: Storage, result: PaymentResult): Promise<AppliedResult | undefined> {
  return batches(storage).run(result);
}

/**
 * applyPaymentResult for each result, in order, inside a transaction in progress: the orders'
 * rows are read (and locked on PostgreSQL) once, each result is decided against its order as
 * the results before it left it, and what they did is written with one statement for the
 * orders changed and one for the results stored (anomalies, rare, one each).
 */
export async function applyInTransaction(stores: Stores, results: PaymentResult[]): Promise<(AppliedResult | undefined)[]> {
  const references = [...new Set(results.map((result) => result.merchantReference))];
  const orders = new Map((await stores.orders.paymentStates(references)).map((order) => [order.merchant_reference, order]));
  const changes = new Map<string, StatusChange>();
  const anomalies: { merchantReference: string; kind: AnomalyKind; details: Record<string, unknown> }[] = [];
  const stored: PaymentResultRecord[] = [];
  const now = nowIso();
  const applied = results.map((result): AppliedResult | undefined => {
    let order = orders.get(result.merchantReference);
    if (!order) return undefined;
    let outcome: ResultEffect = 'no_change';
    const anomaly = anomalyOf(order, result);
    if (anomaly) {
      outcome = 'anomaly';
      anomalies.push({
        merchantReference: order.merchant_reference,
        kind: anomaly,
        details: {
          source: result.source,
          latipayStatus: result.latipayStatus,
          expected: { amount: formatCents(order.amount_cents), currency: order.currency },
          received: { amount: result.amount, currency: result.currency },
        },
      });
    } else {
      const to = result.outcome && nextStatus(order.status, result.outcome);
      if (to) {
        const from = order.status;
        // One change per order, from the status it had to the last one it is given.
        const earlier = changes.get(order.merchant_reference);
        changes.set(order.merchant_reference, {
          merchantReference: order.merchant_reference,
          from: earlier?.from ?? from,
          to,
          paidAt: to === 'paid' ? now : (earlier?.paidAt ?? null),
        });
        order = { ...order, status: to };
        orders.set(order.merchant_reference, order);
        outcome = 'applied';
        // Money moved after the order was given up: it is paid, and a person should know.
        if (from === 'expired') {
          const details = { source: result.source, amount: result.amount, currency: result.currency };
          anomalies.push({ merchantReference: order.merchant_reference, kind: 'paid_after_expiry', details });
        }
      }
    }
    // Every notification is kept; a query answer only when it changed something or is an
    // anomaly, so a shopper polling `?refresh=true` does not fill the table.
    if (result.source === 'notify' || outcome !== 'no_change') {
      stored.push({
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
  });
  const changed = await stores.orders.changeStatusMany([...changes.values()], now);
  // The rows are locked (PostgreSQL) or the only writer is this one (SQLite): each change applies.
  if (changed.length !== changes.size) throw new Error(`${changes.size - changed.length} orders changed status while their payment results were applied`);
  for (const { merchantReference, kind, details } of anomalies) await stores.anomalies.record(merchantReference, kind, details, now);
  await stores.paymentResults.insertMany(stored);
  return applied;
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
