import type { FastifyPluginAsync } from 'fastify';
import { auditTrail, dashboardAnomalies } from '../../services/dashboard-reports';
import type { Dashboard } from '../plugin';
import { requireSession } from '../session';

/** Anomalies with the held refunds to resolve, and the audit trail. */
export function reportRoutes({ ctx, render }: Dashboard): FastifyPluginAsync {
  return async (app) => {
    app.get('/anomalies', { preHandler: requireSession }, async (request, reply) =>
      render(request, reply, 'anomalies', { ...(await dashboardAnomalies(ctx)), nav: 'anomalies' }),
    );
    app.get('/audit', { preHandler: requireSession }, async (request, reply) =>
      render(request, reply, 'audit', { events: await auditTrail(ctx), nav: 'audit' }),
    );
  };
}
