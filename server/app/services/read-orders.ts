import type { FastifyBaseLogger } from 'fastify';
import type { Order } from '../../contract';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import type { OrderRow } from '../store/orders';
import { viewOrder } from './order-view';
import { refreshOrder } from './refresh-order';

export const PAGE_SIZE = 20;

/** The buyer's own order, or 404 (another buyer's order is not found, as an unknown one). */
export async function ownOrder(ctx: AppContext, buyerId: string, merchantReference: string): Promise<OrderRow> {
  const order = await ctx.storage.orders.get(merchantReference);
  if (!order || order.buyer_id !== buyerId) throw notFound('no order with this merchant reference');
  return order;
}

/**
 * GET /api/orders/{merchantReference}: the buyer's order as recorded; with refresh, first
 * checked with Latipay when its payment result may still change (refresh-order.ts).
 */
export async function readOrder(
  ctx: AppContext,
  buyerId: string,
  merchantReference: string,
  refresh: boolean,
  log: FastifyBaseLogger,
): Promise<Order> {
  const { orders } = ctx.storage;
  const order = await ownOrder(ctx, buyerId, merchantReference);
  if (refresh) await refreshOrder(ctx, order, log);
  return viewOrder(ctx.storage, refresh ? (await orders.get(merchantReference))! : order);
}

/**
 * GET /api/orders: a page of the buyer's orders, newest first, and the cursor of the next
 * (older) page: the last order's reference, or null when there is none.
 */
export async function listBuyerOrders(
  ctx: AppContext,
  buyerId: string,
  before: string | null,
): Promise<{ orders: Order[]; nextBefore: string | null }> {
  const rows = await ctx.storage.orders.listByBuyer(buyerId, PAGE_SIZE + 1, before);
  const page = rows.slice(0, PAGE_SIZE);
  return {
    orders: await Promise.all(page.map((row) => viewOrder(ctx.storage, row))),
    nextBefore: rows.length > PAGE_SIZE ? page[page.length - 1].merchant_reference : null,
  };
}
