import { Counter, Gauge, type Registry } from 'prom-client';
import type { OrderStatus } from '../../contract';
import type { Storage } from '../store';
import type { AnomalyKind } from '../store/anomalies';
import { nowIso } from '../store/db';

const ORDER_STATUSES: readonly OrderStatus[] = [
  'creating', 'create_failed', 'pending', 'paid', 'failed', 'partially_refunded', 'refunded', 'expired',
];
const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'amount_mismatch', 'currency_mismatch', 'unknown_status', 'refund_outcome_unknown', 'paid_after_expiry',
];

/**
 * Gauges read from the database at each scrape, so every instance sharing a database reports
 * the same figures. A query that fails does not fail the whole scrape: it is counted in
 * shop_database_gauge_errors_total and its gauge's values are NaN (unknown) in that scrape.
 */
export function registerDatabaseGauges(registry: Registry, storage: Storage): void {
  const errors = new Counter({
    name: 'shop_database_gauge_errors_total',
    help: 'Scrapes in which a gauge read from the database could not be read',
    labelNames: ['gauge'] as const,
    registers: [registry],
  });

  /** A gauge set from `read` at each scrape: every label set of `zeros` first (so a count of 0 is shown), then what was read. */
  function fromDatabase<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    zeros: Partial<Record<L, string>>[],
    read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const values = await read();
          for (const labels of zeros) this.set(labels, 0);
          for (const { labels, value } of values) this.set(labels, value);
        } catch {
          errors.inc({ gauge: name });
          for (const labels of zeros) this.set(labels, NaN);
        }
      },
    });
  }

  fromDatabase('shop_orders', 'Orders by status', ['status'], ORDER_STATUSES.map((status) => ({ status })), async () =>
    (await storage.sql.all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM orders GROUP BY status')).map(
      (row) => ({ labels: { status: row.status }, value: Number(row.n) }),
    ),
  );

  fromDatabase(
    'shop_anomalies',
    'Anomalies recorded (findings for a person), by kind',
    ['kind'],
    ANOMALY_KINDS.map((kind) => ({ kind })),
    async () =>
      (await storage.sql.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM anomalies GROUP BY kind')).map(
        (row) => ({ labels: { kind: row.kind }, value: Number(row.n) }),
      ),
  );

  fromDatabase('shop_held_refunds', 'Refunds whose outcome is unknown, their amount held until a person resolves them', [], [{}], async () => {
    const row = await storage.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM refunds WHERE status = 'unknown'");
    return [{ labels: {}, value: Number(row?.n ?? 0) }];
  });

  fromDatabase('shop_held_refunds_cents', 'The amount of the held refunds, in cents of the currency', [], [{}], async () => {
    const row = await storage.sql.get<{ cents: number }>("SELECT COALESCE(SUM(amount_cents), 0) AS cents FROM refunds WHERE status = 'unknown'");
    return [{ labels: {}, value: Number(row?.cents ?? 0) }];
  });

  fromDatabase('shop_reconciler_due_orders', 'Orders whose check by the reconciler is due now (its backlog)', [], [{}], async () => {
    const row = await storage.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE next_check_at <= ?', [nowIso()]);
    return [{ labels: {}, value: Number(row?.n ?? 0) }];
  });
}
