import type { FastifyPluginAsync } from 'fastify';
import type { RefundResponse } from '../../contract';
import { adminAuth } from '../admin-auth';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { readIdempotencyKey } from '../idempotency';
import { refundOrder } from '../services/refund-order';
import { isMerchantReference, parseRefundBody } from '../validation';

const ANOMALY_LIMIT = 100;

/** The admin API under /api/admin: every route needs `Authorization: Bearer $ADMIN_TOKEN`. */
export function adminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', adminAuth(ctx.config.adminToken));

    app.post<{ Params: { merchantReference: string } }>(
      '/orders/:merchantReference/refunds',
      async (request, reply) => {
        const { merchantReference } = request.params;
        if (!isMerchantReference(merchantReference)) throw notFound('no order with this merchant reference');
        const { amountCents, reason } = parseRefundBody(request.body);
        const result: RefundResponse = await refundOrder(
          ctx,
          { merchantReference, amountCents, reason, idempotencyKey: readIdempotencyKey(request.headers['idempotency-key']) },
          request.log,
        );
        return reply.code(201).send(result);
      },
    );

    // Findings for a person: amounts that did not match, refunds whose outcome is unknown.
    app.get('/anomalies', async () => ({
      anomalies: ctx.stores.anomalies.latest(ANOMALY_LIMIT).map((row) => ({
        id: row.id,
        merchantReference: row.merchant_reference,
        kind: row.kind,
        details: JSON.parse(row.details) as unknown,
        createdAt: row.created_at,
      })),
    }));
  };
}
