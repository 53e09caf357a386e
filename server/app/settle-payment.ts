import type { FastifyBaseLogger } from 'fastify';
import { formatCents } from '../latipay/amount';
import { nowIso } from './db';
import { addToRequestLine } from './logger';
import { nextStatus, type PaymentOutcome } from './payment-state';
import type { Stores } from './store';
import type { AnomalyKind } from './store/anomalies';
import type { NotificationOutcome } from './store/notifications';
import type { PaymentState } from './store/orders';

/** An authenticated payment result from Latipay: a notification or a query answer. */
export interface PaymentReport {
  source: 'notify' | 'query';
  merchantReference: string;
  /** null: a status this integration does not know (recorded as an anomaly). */
  outcome: PaymentOutcome | null;
  /** Latipay's status as sent (canceled, rejected... are kept for the record). */
  latipayStatus: string;
  /** The amount as Latipay wrote it, and in cents (null when it does not parse). */
  amount: string;
  amountCents: number | null;
  currency: string;
  /** Everything received, stored without the signature. */
  fields: Record<string, unknown>;
}

export interface Settlement {
  order: PaymentState;
  outcome: NotificationOutcome;
}

/** Why a result cannot be applied to the order, or null when it can. */
function anomalyOf(order: PaymentState, report: PaymentReport): AnomalyKind | null {
  if (report.amountCents !== order.amount_cents) return 'amount_mismatch';
  if (report.currency !== order.currency) return 'currency_mismatch';
  if (report.outcome === null) return 'unknown_status';
  return null;
}

/**
 * Checks a payment result against the order and applies it, in one transaction: the result
 * is stored, then either an anomaly is recorded (amount, currency or status not as expected:
 * never marked paid) or the state machine decides. Returns undefined, changing nothing, for
 * an unknown order.
 */
export function applyPayment(stores: Stores, report: PaymentReport): Settlement | undefined {
  return stores.transaction((): Settlement | undefined => {
    let order = stores.orders.getPaymentState(report.merchantReference);
    if (!order) return undefined;
    const now = nowIso();
    let outcome: NotificationOutcome = 'no_change';
    const anomaly = anomalyOf(order, report);
    if (anomaly) {
      outcome = 'anomaly';
      stores.anomalies.record(
        order.merchant_reference,
        anomaly,
        {
          source: report.source,
          latipayStatus: report.latipayStatus,
          expected: { amount: formatCents(order.amount_cents), currency: order.currency },
          received: { amount: report.amount, currency: report.currency },
        },
        now,
      );
    } else {
      const to = report.outcome && nextStatus(order.status, report.outcome);
      if (to) {
        const changed = stores.orders.changeStatus({
          merchantReference: order.merchant_reference,
          from: order.status,
          to,
          paidAt: to === 'paid' ? now : null,
          now,
        });
        if (changed) {
          order = changed;
          outcome = 'applied';
        }
      }
    }
    // Every notification is kept; a query answer only when it changed something or is an
    // anomaly, so a shopper polling `?refresh=true` does not fill the table.
    if (report.source === 'notify' || outcome !== 'no_change') stores.notifications.insert({
      source: report.source,
      merchantReference: order.merchant_reference,
      status: report.latipayStatus,
      amount: report.amount,
      currency: report.currency,
      fields: report.fields,
      outcome,
      receivedAt: now,
    });
    return { order, outcome };
  });
}

/** Logs what applyPayment did, once it is committed. */
export function logSettlement(report: PaymentReport, settlement: Settlement | undefined, log: FastifyBaseLogger): void {
  const { merchantReference, source, latipayStatus } = report;
  if (settlement?.outcome === 'anomaly') {
    log.warn(
      {
        merchantReference,
        source,
        latipayStatus,
        expected: { amount: formatCents(settlement.order.amount_cents), currency: settlement.order.currency },
        received: { amount: report.amount, currency: report.currency },
      },
      'payment result does not match the order: recorded as an anomaly, order not changed',
    );
  } else if (settlement) {
    const { outcome, order } = settlement;
    const payment = { merchantReference, source, latipayStatus, outcome, status: order.status };
    addToRequestLine(log, { payment }, 'payment result processed');
  }
}

/** applyPayment in its own transaction, then logged. */
export function settlePayment(stores: Stores, report: PaymentReport, log: FastifyBaseLogger): Settlement | undefined {
  const settlement = applyPayment(stores, report);
  logSettlement(report, settlement, log);
  return settlement;
}
