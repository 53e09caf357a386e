import { valueRows, type Sql } from './sql';

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

export interface PaymentResultRow {
  id: number;
  source: 'notify' | 'query';
  merchant_reference: string;
  status: string;
  amount: string;
  currency: string;
  fields: string;
  outcome: ResultEffect;
  received_at: string;
}

export function createPaymentResultStore(db: Sql) {
  return {
    async insertMany(records: PaymentResultRecord[]): Promise<void> {
      if (records.length === 0) return;
      await db.run(
        `INSERT INTO payment_results (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
         VALUES ${valueRows(records.length, 8)}`,
        records.flatMap((record) => {
          const { signature: _dropped, ...fields } = record.fields;
          return [record.source, record.merchantReference, record.status, record.amount, record.currency,
            JSON.stringify(fields), record.outcome, record.receivedAt];
        }),
      );
    },
    forOrder: (merchantReference: string): Promise<PaymentResultRow[]> =>
      db.all('SELECT * FROM payment_results WHERE merchant_reference = ? ORDER BY id', [merchantReference]),
  };
}
