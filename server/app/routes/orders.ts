import type { FastifyPluginAsync } from 'fastify';
import type { OrderResponse, OrdersResponse } from '../../contract';
import { readBuyerId } from '../buyer';
import type { AppContext } from '../context';
import { customerIpv4 } from '../customer-ip';
import { badRequest, notFound } from '../errors';
import { readIdempotencyKey } from '../idempotency';
import { viewOrder } from '../order-view';
import { createOrder } from '../services/create-order';
import { refreshOrder } from '../services/refresh-order';
import { isMerchantReference, parseCreateOrderBody, parseRefreshFlag } from '../validation';

const LIST_LIMIT = 100;

export function orderRoutes(ctx: AppContext): FastifyPluginAsync {
  const { stores } = ctx;
  const view = (merchantReference: string) =>
    viewOrder(stores, stores.orders.get(merchantReference)!);

  return async (app) => {
    app.post('/api/orders', async (request, reply) => {
      const { productId, quantity } = parseCreateOrderBody(request.body);
      const result = await createOrder(
        ctx,
        {
          productId,
          quantity,
          buyerId: readBuyerId(request.headers['x-buyer-id']),
          idempotencyKey: readIdempotencyKey(request.headers['idempotency-key']),
          ip: customerIpv4(request.ip),
        },
        request.log,
      );
      return reply.code(201).send(result);
    });

    app.get<{ Params: { merchantReference: string }; Querystring: { refresh?: string } }>(
      '/api/orders/:merchantReference',
      async (request): Promise<OrderResponse> => {
        const refresh = parseRefreshFlag(request.query.refresh);
        const { merchantReference } = request.params;
        const order = isMerchantReference(merchantReference) ? stores.orders.get(merchantReference) : undefined;
        if (!order) throw notFound('no order with this merchant reference');
        if (refresh) await refreshOrder(ctx, order, request.log);
        return { order: view(merchantReference) };
      },
    );

    app.get('/api/orders', async (request): Promise<OrdersResponse> => {
      const buyerId = readBuyerId(request.headers['x-buyer-id']);
      if (buyerId === null) throw badRequest('the X-Buyer-Id header is required to list orders');
      const rows = stores.orders.listByBuyer(buyerId, LIST_LIMIT);
      return { orders: rows.map((row) => viewOrder(stores, row)) };
    });
  };
}
