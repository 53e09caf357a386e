import type { Db } from '../db';

export type NotificationOutcome = 'applied' | 'no_change' | 'anomaly';

export interface NotificationRecord {
  source: 'notify' | 'query';
  merchantReference: string;
  status: string;
  amount: string;
  currency: string;
  /** Everything received except the signature. */
  fields: Record<string, unknown>;
  outcome: NotificationOutcome;
  receivedAt: string;
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;

export function createNotificationStore(db: Db) {
  const insert = db.prepare(`
    INSERT INTO notifications (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
    VALUES (@source, @merchantReference, @status, @amount, @currency, @fields, @outcome, @receivedAt)`);
  return {
    insert(record: NotificationRecord): void {
      const { signature: _dropped, ...fields } = record.fields;
      insert.run({ ...record, fields: JSON.stringify(fields) });
    },
  };
}
