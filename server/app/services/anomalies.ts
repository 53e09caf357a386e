import { formatCents } from '../../latipay/amount';
import type { AppContext } from '../context';

const ANOMALY_LIMIT = 100;

/**
 * GET /api/admin/anomalies: findings for a person: amounts that did not match, refunds whose
 * outcome is unknown (with how they were resolved), and the refunds still held until someone
 * resolves them.
 */
export async function listAnomalies(ctx: AppContext) {
  const { anomalies, refunds } = ctx.storage;
  const [found, held] = await Promise.all([anomalies.latest(ANOMALY_LIMIT), refunds.held()]);
  return {
    anomalies: found.map((row) => ({
      id: row.id,
      merchantReference: row.merchant_reference,
      kind: row.kind,
      details: JSON.parse(row.details) as Record<string, unknown>,
      createdAt: row.created_at,
    })),
    heldRefunds: held.map((row) => ({
      refundId: row.id,
      merchantReference: row.merchant_reference,
      amount: formatCents(row.amount_cents),
      reason: row.reason,
      createdAt: row.created_at,
      error: row.error_message,
    })),
  };
}
