import type { Db } from './db';

/** What storing a payment result did to its order. */
export type ResultEffect = 'applied' | 'no_change' | 'anomaly';

/** An authenticated payment result as stored: a notification, or a query answer. */
export interface PaymentResultRecord {
  source: 'notify' | 'query';
  merchantReference: string;
  status: string;
  amount: string;
  currency: string;
  /** Everything received except the signature. */
  fields: Record<string, unknown>;
  outcome: ResultEffect;
  receivedAt: string;
}

export type PaymentResultStore = ReturnType<typeof createPaymentResultStore>;

export function createPaymentResultStore(db: Db) {
  const insert = db.prepare(`
    INSERT INTO payment_results (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
    VALUES (@source, @merchantReference, @status, @amount, @currency, @fields, @outcome, @receivedAt)`);
  return {
    insert(record: PaymentResultRecord): void {
      const { signature: _dropped, ...fields } = record.fields;
      insert.run({ ...record, fields: JSON.stringify(fields) });
    },
  };
}
