import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseAmount } from '../../latipay/amount';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { adminAuth } from '../http/admin-auth';
import {
  AnomaliesResponse,
  CreateRefundBody,
  ERRORS,
  IdempotencyKeyHeader,
  OrderParams,
  RefundParams,
  RefundResponse,
  ResolveRefundBody,
  ResolveRefundResponse,
} from '../http/schemas';
import { listAnomalies } from '../services/anomalies';
import { refundOrder } from '../services/refund-order';
import { resolveRefund } from '../services/resolve-refund';

/** Who acts through the admin API, in an order's timeline (the dashboard names its session). */
const API_ACTOR = 'admin:api';

/** The admin API under /api/admin: every route needs `Authorization: Bearer $ADMIN_TOKEN`. */
export function adminRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', adminAuth(ctx.config.adminToken, ctx.config.limits, ctx.counters));

    app.post(
      '/orders/:merchantReference/refunds',
      {
        schema: {
          params: OrderParams,
          headers: IdempotencyKeyHeader,
          body: CreateRefundBody,
          response: { 201: RefundResponse, ...ERRORS },
        },
      },
      async (request, reply) => {
        const amountCents = parseAmount(request.body.amount);
        if (amountCents === null) throw badRequest('amount must be a positive amount string with at most 2 decimals, e.g. "0.50"');
        const result = await refundOrder(
          ctx,
          {
            merchantReference: request.params.merchantReference,
            amountCents,
            reason: request.body.reason.trim(),
            idempotencyKey: request.headers['idempotency-key'] ?? null,
            actor: API_ACTOR,
          },
          request.log,
        );
        return reply.code(201).send(result);
      },
    );

    app.post(
      '/refunds/:refundId/resolve',
      { schema: { params: RefundParams, body: ResolveRefundBody, response: { 200: ResolveRefundResponse, ...ERRORS } } },
      async (request) => {
        const { outcome, note } = request.body;
        return resolveRefund(ctx, request.params.refundId, { outcome, note: note?.trim() || null }, API_ACTOR, request.log);
      },
    );

    app.get('/anomalies', { schema: { response: { 200: AnomaliesResponse, ...ERRORS } } }, async () => listAnomalies(ctx));
  };
}
