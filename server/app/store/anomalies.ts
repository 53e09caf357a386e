import type { Sql } from './sql';

export type AnomalyKind = 'amount_mismatch' | 'currency_mismatch' | 'unknown_status' | 'refund_outcome_unknown' | 'paid_after_expiry';

export interface AnomalyRow {
  id: number;
  merchant_reference: string;
  kind: AnomalyKind;
  details: string;
  created_at: string;
}

export type AnomalyStore = ReturnType<typeof createAnomalyStore>;

export function createAnomalyStore(db: Sql) {
  return {
    async record(merchantReference: string, kind: AnomalyKind, details: Record<string, unknown>, now: string): Promise<void> {
      await db.run('INSERT INTO anomalies (merchant_reference, kind, details, created_at) VALUES (?, ?, ?, ?)', [
        merchantReference, kind, JSON.stringify(details), now,
      ]);
    },
    /** Adds how a person resolved the refund to its refund_outcome_unknown finding. */
    async resolveRefund(merchantReference: string, refundId: string, resolution: Record<string, unknown>): Promise<void> {
      // The details are JSON text; picked and rewritten here rather than with each database's JSON functions.
      const findings = await db.all<AnomalyRow>(
        `SELECT * FROM anomalies WHERE merchant_reference = ? AND kind = 'refund_outcome_unknown'${db.forUpdate}`,
        [merchantReference],
      );
      for (const finding of findings) {
        const details = JSON.parse(finding.details) as Record<string, unknown>;
        if (details.refundId !== refundId) continue;
        await db.run('UPDATE anomalies SET details = ? WHERE id = ?', [JSON.stringify({ ...details, resolution }), finding.id]);
      }
    },
    latest: (limit: number): Promise<AnomalyRow[]> => db.all('SELECT * FROM anomalies ORDER BY id DESC LIMIT ?', [limit]),
    forOrder: (merchantReference: string): Promise<AnomalyRow[]> =>
      db.all('SELECT * FROM anomalies WHERE merchant_reference = ? ORDER BY id', [merchantReference]),
  };
}
