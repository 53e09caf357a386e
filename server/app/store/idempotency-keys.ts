import type { Db } from './db';

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

export function createIdempotencyKeyStore(db: Db) {
  // The primary key decides between concurrent duplicates: only one insert can win.
  const claim = db.prepare(`
    INSERT INTO idempotency_keys (scope, endpoint, key, request_hash, merchant_reference, refund_id, created_at)
    VALUES (@scope, @endpoint, @key, @request_hash, @merchant_reference, @refund_id, @created_at)
    ON CONFLICT DO NOTHING`);
  const refused = db.prepare(`
    UPDATE idempotency_keys SET refusal_status = ?, refusal_code = ?, refusal_message = ?
    WHERE scope = ? AND endpoint = ? AND key = ?`);
  const find = db.prepare<[string, string, string], StoredIdempotencyKey>(
    'SELECT * FROM idempotency_keys WHERE scope = ? AND endpoint = ? AND key = ?',
  );
  return {
    /** True when this row was stored; false when the key was already taken. */
    claim: (row: IdempotencyRow): boolean => claim.run(row).changes === 1,
    find: (scope: string, endpoint: string, key: string): StoredIdempotencyKey | undefined => find.get(scope, endpoint, key),
    /** Records that the request under this key was refused, to answer its replays the same. */
    refuse(row: Pick<IdempotencyRow, 'scope' | 'endpoint' | 'key'>, refusal: { status: number; code: string; message: string }): void {
      refused.run(refusal.status, refusal.code, refusal.message, row.scope, row.endpoint, row.key);
    },
  };
}
