import type { Db } from './db';

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

export function createRefundStore(db: Db) {
  const insert = db.prepare(`
    INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
    VALUES (@id, @merchantReference, @amountCents, @reason, 'pending', @now, @now)`);
  const byId = db.prepare<[string], RefundRow>('SELECT * FROM refunds WHERE id = ?');
  const succeededFor = db.prepare<[string], RefundRow>(
    "SELECT * FROM refunds WHERE merchant_reference = ? AND status = 'succeeded' ORDER BY created_at, id",
  );
  // `unknown` stays reserved: Latipay may have paid it out.
  const reservedFor = db.prepare<[string], { cents: number }>(`
    SELECT COALESCE(SUM(amount_cents), 0) AS cents FROM refunds
    WHERE merchant_reference = ? AND status IN ('pending', 'unknown')`);
  const held = db.prepare<[], RefundRow>("SELECT * FROM refunds WHERE status = 'unknown' ORDER BY created_at, id");
  const pending = db.prepare<[], RefundRow>("SELECT * FROM refunds WHERE status = 'pending'");
  const finish = db.prepare(`
    UPDATE refunds SET status = @to, error_status = @errorStatus, error_code = @errorCode,
                       error_message = @errorMessage, updated_at = @now
    WHERE id = @id AND status = @from`);

  return {
    insert(refund: { id: string; merchantReference: string; amountCents: number; reason: string; now: string }): void {
      insert.run(refund);
    },
    get: (id: string): RefundRow | undefined => byId.get(id),
    succeededFor: (merchantReference: string): RefundRow[] => succeededFor.all(merchantReference),
    reservedCents: (merchantReference: string): number => reservedFor.get(merchantReference)?.cents ?? 0,
    /** Refunds whose outcome is unknown: their amount is held until a person resolves them. */
    held: (): RefundRow[] => held.all(),
    pending: (): RefundRow[] => pending.all(),
    /** Moves a refund on, only if it is still `from`, with the error answered on a replay. True when it moved. */
    finish(
      id: string,
      from: RefundStatus,
      to: Exclude<RefundStatus, 'pending'>,
      error: { status: number; code: string; message: string } | null,
      now: string,
    ): boolean {
      return finish.run({
        id,
        from,
        to,
        errorStatus: error?.status ?? null,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        now,
      }).changes === 1;
    },
  };
}
