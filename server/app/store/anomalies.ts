import type { Db } from '../db';

export type AnomalyKind = 'amount_mismatch' | 'currency_mismatch' | 'refund_outcome_unknown';

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
  return {
    record(merchantReference: string, kind: AnomalyKind, details: Record<string, unknown>, now: string): void {
      insert.run(merchantReference, kind, JSON.stringify(details), now);
    },
    latest: (limit: number): AnomalyRow[] => latest.all(limit),
  };
}
