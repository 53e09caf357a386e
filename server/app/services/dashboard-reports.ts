import type { AppContext } from '../context';
import { listAnomalies } from './anomalies';
import { detailPairs as pairs } from './dashboard-order';

const AUDIT_LIMIT = 200;

/** Findings for a person (GET /api/admin/anomalies's) with their details as name/value pairs. */
export async function dashboardAnomalies(ctx: AppContext) {
  const { anomalies, heldRefunds } = await listAnomalies(ctx);
  return {
    heldRefunds,
    anomalies: anomalies.map((anomaly) => ({ ...anomaly, details: pairs(anomaly.details) })),
  };
}

/** What admins did, newest first: the events whose actor is an admin (the API or a dashboard session). */
export async function auditTrail(ctx: AppContext) {
  const events = await ctx.storage.events.audit(AUDIT_LIMIT);
  return events.map((event) => ({
    at: event.at,
    actor: event.actor,
    kind: event.kind,
    merchantReference: event.merchant_reference,
    details: pairs(JSON.parse(event.details) as Record<string, unknown>),
  }));
}

