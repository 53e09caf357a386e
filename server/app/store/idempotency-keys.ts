import type { Sql } from './sql';

export interface IdempotencyRow {
  scope: string;
  endpoint: string;
  key: string;
  request_hash: string;
  merchant_reference: string | null;
  refund_id: string | null;
  created_at: string;
}

/** A claimed key, as stored: with the refusal it was answered, if the request was refused. */
export interface StoredIdempotencyKey extends IdempotencyRow {
  refusal_status: number | null;
  refusal_code: string | null;
  refusal_message: string | null;
}

export type IdempotencyKeyStore = ReturnType<typeof createIdempotencyKeyStore>;

export function createIdempotencyKeyStore(db: Sql) {
  return {
    /**
     * True when this row was stored; false when the key was already taken. The primary key
     * decides between concurrent duplicates: only one insert wins (on PostgreSQL the loser
     * waits for the winner's transaction, then finds its row).
     */
    claim: async (row: IdempotencyRow): Promise<boolean> =>
      (await db.run(
        `INSERT INTO idempotency_keys (scope, endpoint, key, request_hash, merchant_reference, refund_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [row.scope, row.endpoint, row.key, row.request_hash, row.merchant_reference, row.refund_id, row.created_at],
      )) === 1,
    find: (scope: string, endpoint: string, key: string): Promise<StoredIdempotencyKey | undefined> =>
      db.get('SELECT * FROM idempotency_keys WHERE scope = ? AND endpoint = ? AND key = ?', [scope, endpoint, key]),
    /** Records that the request under this key was refused, to answer its replays the same. */
    async refuse(row: Pick<IdempotencyRow, 'scope' | 'endpoint' | 'key'>, refusal: { status: number; code: string; message: string }): Promise<void> {
      await db.run(
        `UPDATE idempotency_keys SET refusal_status = ?, refusal_code = ?, refusal_message = ?
         WHERE scope = ? AND endpoint = ? AND key = ?`,
        [refusal.status, refusal.code, refusal.message, row.scope, row.endpoint, row.key],
      );
    },
  };
}
