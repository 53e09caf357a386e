import type { FastifyBaseLogger } from 'fastify';
import type { Order } from '../../contract';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { viewOrder } from './order-view';
import { refreshOrder } from './refresh-order';

const LIST_LIMIT = 100;

/**
 * GET /api/orders/{merchantReference}: the order as recorded; with refresh, first checked with
 * Latipay when its payment result may still change (refresh-order.ts).
 */
export async function readOrder(ctx: AppContext, merchantReference: string, refresh: boolean, log: FastifyBaseLogger): Promise<Order> {
  const { orders } = ctx.stores;
  const order = orders.get(merchantReference);
  if (!order) throw notFound('no order with this merchant reference');
  if (refresh) await refreshOrder(ctx, order, log);
  return viewOrder(ctx.stores, refresh ? orders.get(merchantReference)! : order);
}

/** GET /api/orders: the buyer's newest orders. */
export function listBuyerOrders(ctx: AppContext, buyerId: string): Order[] {
  return ctx.stores.orders.listByBuyer(buyerId, LIST_LIMIT).map((row) => viewOrder(ctx.stores, row));
}
