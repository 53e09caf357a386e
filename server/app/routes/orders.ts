import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { customerIpv4 } from '../http/customer-ip';
import {
  BuyerHeaders,
  CreateOrderBody,
  CreateOrderResponse,
  ERRORS,
  OrderParams,
  OrderResponse,
  OrdersResponse,
  RefreshQuery,
} from '../http/schemas';
import { createOrder } from '../services/create-order';
import { listBuyerOrders, readOrder } from '../services/read-orders';

export function orderRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/orders',
      { schema: { headers: BuyerHeaders, body: CreateOrderBody, response: { 201: CreateOrderResponse, ...ERRORS } } },
      async (request, reply) => {
        const { productId, quantity } = request.body;
        const result = await createOrder(
          ctx,
          {
            productId,
            quantity,
            buyerId: request.headers['x-buyer-id'] ?? null,
            idempotencyKey: request.headers['idempotency-key'] ?? null,
            ip: customerIpv4(request.ip),
          },
          request.log,
        );
        return reply.code(201).send(result);
      },
    );

    app.get(
      '/api/orders/:merchantReference',
      { schema: { params: OrderParams, querystring: RefreshQuery, response: { 200: OrderResponse, ...ERRORS } } },
      async (request) => {
        const refresh = request.query.refresh === 'true' || request.query.refresh === '1';
        return { order: await readOrder(ctx, request.params.merchantReference, refresh, request.log) };
      },
    );

    app.get('/api/orders', { schema: { headers: BuyerHeaders, response: { 200: OrdersResponse, ...ERRORS } } }, async (request) => {
      const buyerId = request.headers['x-buyer-id'];
      if (buyerId === undefined) throw badRequest('the X-Buyer-Id header is required to list orders');
      return { orders: listBuyerOrders(ctx, buyerId) };
    });
  };
}
