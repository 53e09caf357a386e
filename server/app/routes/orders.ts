import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { CartLine } from '../../contract';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { buyerOf, requireBuyer } from '../http/buyer-session';
import { customerIpv4 } from '../http/customer-ip';
import { MINUTE_MS, requestLimit } from '../http/rate-limits';
import {
  CreateOrderBody,
  CreateOrderResponse,
  ERRORS,
  IdempotencyKeyHeader,
  OrderParams,
  OrderResponse,
  OrdersQuery,
  OrdersResponse,
  RefreshQuery,
} from '../http/schemas';
import { createOrder } from '../services/create-order';
import { listBuyerOrders, readOrder } from '../services/read-orders';

/** The cart's lines: `items`, or the one `{productId, quantity}` of the body as before carts. */
function cartLines(body: Static<typeof CreateOrderBody>): CartLine[] {
  const { items, productId, quantity } = body;
  const single = productId !== undefined || quantity !== undefined;
  if (items !== undefined && single) throw badRequest('send either items or productId and quantity, not both');
  if (items !== undefined) return items;
  if (productId === undefined || quantity === undefined) throw badRequest('body must have items, or productId and quantity');
  return [{ productId, quantity }];
}

/** The shopper's routes: each needs a session (Authorization: Bearer), and sees only its buyer's orders. */
export function orderRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const { limits } = ctx.config;
  return async (app) => {
    app.addHook('onRequest', requireBuyer(ctx));
    // A shopper taps Pay a few times a minute; many shoppers can share one address (a shop's wifi).
    const perIp = requestLimit(app, {
      max: limits.ordersPerIp,
      windowMs: MINUTE_MS,
      name: 'orders-per-ip',
      what: 'orders from this address',
      key: (request) => request.ip,
    });
    const perBuyer = requestLimit(app, {
      max: limits.ordersPerBuyer,
      windowMs: MINUTE_MS,
      name: 'orders-per-buyer',
      what: 'orders from this buyer',
      key: (request) => buyerOf(request),
    });

    app.post(
      '/api/orders',
      {
        // The buyer's own limit first: a shopper over it is refused before counting against
        // everyone else on the same address.
        preHandler: [perBuyer.enforce, perIp.enforce],
        schema: { headers: IdempotencyKeyHeader, body: CreateOrderBody, response: { 201: CreateOrderResponse, ...ERRORS } },
      },
      async (request, reply) => {
        const result = await createOrder(
          ctx,
          {
            lines: cartLines(request.body),
            buyerId: buyerOf(request),
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
        return { order: await readOrder(ctx, buyerOf(request), request.params.merchantReference, refresh, request.log) };
      },
    );

    app.get(
      '/api/orders',
      { schema: { querystring: OrdersQuery, response: { 200: OrdersResponse, ...ERRORS } } },
      async (request) => listBuyerOrders(ctx, buyerOf(request), request.query.before ?? null),
    );
  };
}
