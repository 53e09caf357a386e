import type { FastifyPluginAsync } from 'fastify';
import type { RefundResponse } from '../../contract';
import { formatCents } from '../../latipay/amount';
import { adminAuth } from '../admin-auth';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { readIdempotencyKey } from '../idempotency';
import { REFERENCE_PATTERN } from '../ids';
import { refundOrder } from '../services/refund-order';
import { resolveRefund } from '../services/resolve-refund';
import { isMerchantReference, parseRefundBody, parseResolveBody } from '../validation';

const ANOMALY_LIMIT = 100;

/** The admin API under /api/admin: every route needs `Authorization: Bearer $ADMIN_TOKEN`. */
export function adminRoutes(ctx: AppContext): FastifyPluginAsync {
  const { stores } = ctx;
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

    app.post<{ Params: { refundId: string } }>('/refunds/:refundId/resolve', async (request) => {
      const { refundId } = request.params;
      if (!REFERENCE_PATTERN.test(refundId)) throw notFound('no refund with this id');
      return resolveRefund(ctx, refundId, parseResolveBody(request.body), request.log);
    });

    // Findings for a person: amounts that did not match, refunds whose outcome is unknown
    // (with how they were resolved), and the refunds still held until someone resolves them.
    app.get('/anomalies', async () => ({
      anomalies: stores.anomalies.latest(ANOMALY_LIMIT).map((row) => ({
        id: row.id,
        merchantReference: row.merchant_reference,
        kind: row.kind,
        details: JSON.parse(row.details) as unknown,
        createdAt: row.created_at,
      })),
      heldRefunds: stores.refunds.held().map((row) => ({
        refundId: row.id,
        merchantReference: row.merchant_reference,
        amount: formatCents(row.amount_cents),
        reason: row.reason,
        createdAt: row.created_at,
        error: row.error_message,
      })),
    }));
  };
}
