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

export type IdempotencyKeyStore = ReturnType<typeof createIdempotencyKeyStore>;

export function createIdempotencyKeyStore(db: Db) {
  // The primary key decides between concurrent duplicates: only one insert can win.
  const claim = db.prepare(`
    INSERT INTO idempotency_keys (scope, endpoint, key, request_hash, merchant_reference, refund_id, created_at)
    VALUES (@scope, @endpoint, @key, @request_hash, @merchant_reference, @refund_id, @created_at)
    ON CONFLICT DO NOTHING`);
  const find = db.prepare<[string, string, string], IdempotencyRow>(
    'SELECT * FROM idempotency_keys WHERE scope = ? AND endpoint = ? AND key = ?',
  );
  return {
    /** True when this row was stored; false when the key was already taken. */
    claim: (row: IdempotencyRow): boolean => claim.run(row).changes === 1,
    find: (scope: string, endpoint: string, key: string): IdempotencyRow | undefined => find.get(scope, endpoint, key),
  };
}
