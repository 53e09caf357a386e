import { valueRows, type Sql } from './sql';

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

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareKeys(a: IdempotencyRow, b: IdempotencyRow): number {
  return compare(a.scope, b.scope) || compare(a.endpoint, b.endpoint) || compare(a.key, b.key);
}

/**
 * The INSERT of keys that skips those already taken (add a RETURNING), and its parameters. The
 * rows go in key order: two transactions claiming some of the same keys then wait for each
 * other instead of deadlocking (PostgreSQL); of one key given twice, the first stays first.
 */
export function claimStatement(rows: IdempotencyRow[]): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO idempotency_keys (scope, endpoint, key, request_hash, merchant_reference, refund_id, created_at)
          VALUES ${valueRows(rows.length, 7)}
          ON CONFLICT DO NOTHING`,
    params: [...rows]
      .sort(compareKeys)
      .flatMap((row) => [row.scope, row.endpoint, row.key, row.request_hash, row.merchant_reference, row.refund_id, row.created_at]),
  };
}

type StoredClaim = Pick<IdempotencyRow, 'scope' | 'endpoint' | 'key' | 'merchant_reference' | 'refund_id'>;

/** Which request a row stands for: its key, and what the request makes (a new order or refund). */
const requestOf = (row: StoredClaim) =>
  JSON.stringify([row.scope, row.endpoint, row.key, row.merchant_reference, row.refund_id]);

export function createIdempotencyKeyStore(db: Sql) {
  /**
   * For each row, true when it was stored, false when its key was already taken (of one key
   * given twice, the first wins). The primary key decides between concurrent duplicates: only
   * one insert wins (on PostgreSQL the loser waits for the winner's transaction, then finds its row).
   */
  async function claimMany(rows: IdempotencyRow[]): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const { sql, params } = claimStatement(rows);
    const stored = await db.all<StoredClaim>(`${sql} RETURNING scope, endpoint, key, merchant_reference, refund_id`, params);
    const claimed = new Set(stored.map(requestOf));
    return rows.map((row) => claimed.has(requestOf(row)));
  }

  return {
    claimMany,
    /** claimMany for one row. */
    claim: async (row: IdempotencyRow): Promise<boolean> => (await claimMany([row]))[0],
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
