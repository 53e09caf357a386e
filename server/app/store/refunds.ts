import type { Sql } from './sql';

export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

export interface RefundRow {
  id: string;
  merchant_reference: string;
  amount_cents: number;
  reason: string;
  status: RefundStatus;
  error_status: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

export type RefundStore = ReturnType<typeof createRefundStore>;

export function createRefundStore(db: Sql) {
  return {
    async insert(refund: { id: string; merchantReference: string; amountCents: number; reason: string; now: string }): Promise<void> {
      await db.run(
        `INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
        [refund.id, refund.merchantReference, refund.amountCents, refund.reason, refund.now, refund.now],
      );
    },
    get: (id: string): Promise<RefundRow | undefined> => db.get(`SELECT * FROM refunds WHERE id = ?${db.forUpdate}`, [id]),
    succeededFor: (merchantReference: string): Promise<RefundRow[]> =>
      db.all("SELECT * FROM refunds WHERE merchant_reference = ? AND status = 'succeeded' ORDER BY created_at, id", [merchantReference]),
    forOrder: (merchantReference: string): Promise<RefundRow[]> =>
      db.all('SELECT * FROM refunds WHERE merchant_reference = ? ORDER BY created_at, id', [merchantReference]),
    /** Cents of the order's refunds that may still pay out: `unknown` stays reserved, Latipay may have paid it. */
    reservedCents: async (merchantReference: string): Promise<number> =>
      (await db.get<{ cents: number }>(
        `SELECT COALESCE(SUM(amount_cents), 0) AS cents FROM refunds
         WHERE merchant_reference = ? AND status IN ('pending', 'unknown')`,
        [merchantReference],
      ))?.cents ?? 0,
    /** Refunds whose outcome is unknown: their amount is held until a person resolves them. */
    held: (): Promise<RefundRow[]> => db.all("SELECT * FROM refunds WHERE status = 'unknown' ORDER BY created_at, id"),
    /** Refunds still pending that were asked for before `createdBefore` (locked in a transaction). */
    pending: (createdBefore: string): Promise<RefundRow[]> =>
      db.all(`SELECT * FROM refunds WHERE status = 'pending' AND created_at < ?${db.forUpdate}`, [createdBefore]),
    /** Moves a refund on, only if it is still `from`, with the error answered on a replay. True when it moved. */
    async finish(
      id: string,
      from: RefundStatus,
      to: Exclude<RefundStatus, 'pending'>,
      error: { status: number; code: string; message: string } | null,
      now: string,
    ): Promise<boolean> {
      const changed = await db.run(
        `UPDATE refunds SET status = ?, error_status = ?, error_code = ?, error_message = ?, updated_at = ?
         WHERE id = ? AND status = ?`,
        [to, error?.status ?? null, error?.code ?? null, error?.message ?? null, now, id, from],
      );
      return changed === 1;
    },
  };
}
