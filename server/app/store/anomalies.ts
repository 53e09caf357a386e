import type { Db } from './db';

export type AnomalyKind = 'amount_mismatch' | 'currency_mismatch' | 'unknown_status' | 'refund_outcome_unknown';

export interface AnomalyRow {
  id: number;
  merchant_reference: string;
  kind: AnomalyKind;
  details: string;
  created_at: string;
}

export type AnomalyStore = ReturnType<typeof createAnomalyStore>;

export function createAnomalyStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO anomalies (merchant_reference, kind, details, created_at) VALUES (?, ?, ?, ?)',
  );
  const latest = db.prepare<[number], AnomalyRow>('SELECT * FROM anomalies ORDER BY id DESC LIMIT ?');
  const refundResolved = db.prepare(`
    UPDATE anomalies SET details = json_set(details, '$.resolution', json(?))
    WHERE kind = 'refund_outcome_unknown' AND json_extract(details, '$.refundId') = ?`);
  return {
    record(merchantReference: string, kind: AnomalyKind, details: Record<string, unknown>, now: string): void {
      insert.run(merchantReference, kind, JSON.stringify(details), now);
    },
    /** Adds how a person resolved the refund to its refund_outcome_unknown finding. */
    resolveRefund(refundId: string, resolution: Record<string, unknown>): void {
      refundResolved.run(JSON.stringify(resolution), refundId);
    },
    latest: (limit: number): AnomalyRow[] => latest.all(limit),
  };
}
