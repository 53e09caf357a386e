import type { FastifyBaseLogger } from 'fastify';
import type { CartLine, CreateOrderResponse, GatewayData } from '../../contract';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';
import { HttpError, badRequest, recordedError } from '../errors';
import { lineTotalCents, summarizeLines } from '../domain/order-lines';
import { newMerchantReference } from '../store/ids';
import { LatipayCallError, latipayHttpError } from '../latipay/call-error';
import { viewOrder } from './order-view';
import type { CreateAnswer, NewOrder, StoredLine } from '../store/orders';
import { callOnce, claimsOf, keyRowOf, stillInProgress, type IdempotentRequest } from './idempotency';
import { BATCH_LIMITS, Batcher, perStorage } from '../store/batcher';
import type { Storage } from '../store';
import { firstCheckAt, scheduleRules } from './reconciler-schedule';

export interface CreateOrderInput {
  lines: CartLine[];
  buyerId: string;
  idempotencyKey: string | null;
  ip: string;
}

/** Idempotency-Key scope: per signed-in buyer, so nobody can replay another buyer's key. */
const buyerScope = (buyerId: string) => `buyer:${buyerId}`;

async function response(ctx: AppContext, merchantReference: string): Promise<CreateOrderResponse> {
  const order = (await ctx.storage.orders.get(merchantReference))!;
  if (order.status === 'creating') throw stillInProgress();
  if (order.status === 'create_failed' || order.gatewaydata === null) {
    throw recordedError(
      { status: order.create_error_status, code: order.create_error_code, message: order.create_error_message },
      'the order could not be created',
    );
  }
  return {
    order: await viewOrder(ctx.storage, order),
    gatewaydata: JSON.parse(order.gatewaydata) as GatewayData,
    mode: ctx.mode,
  };
}

/**
 * Asks Latipay for the order (outside any transaction) and records the answer. Resolves with
 * the response built from what it recorded, or undefined when the order could not be created
 * (the recorded error is then thrown by response()).
 */
async function callLatipay(
  ctx: AppContext,
  order: Omit<NewOrder, 'createdAt'>,
  ip: string,
  log: FastifyBaseLogger,
): Promise<CreateOrderResponse | undefined> {
  const { merchantReference } = order;
  log.debug({ merchantReference }, 'order recorded, asking Latipay');
  try {
    const created = await ctx.latipay.createOrder(
      {
        amountCents: order.amountCents,
        currency: order.currency,
        callbackUrl: ctx.callbackUrl(),
        merchantReference,
        ip,
        productName: order.productName,
      },
      log,
    );
    const recorded = await createAnswers(ctx.storage).run({
      merchantReference,
      latipayOrderId: created.latipayOrderId,
      gatewaydata: created.gatewaydataJson,
    });
    ctx.metrics.orderCreations.inc({ outcome: 'created' });
    // The same as response() would read back, without reading the row and its gatewaydata again.
    // Not when the order was given up meanwhile (create_failed by an instance's recovery): its recorded error is answered.
    if (!recorded || recorded.status === 'create_failed') return undefined;
    return { order: await viewOrder(ctx.storage, recorded), gatewaydata: created.gatewaydata, mode: ctx.mode };
  } catch (err) {
    const apiError = err instanceof LatipayCallError ? latipayHttpError(err, 'create the order') : null;
    if (!apiError) log.error({ err }, 'creating the order failed');
    const failure = apiError ?? new HttpError(500, 'internal_error', 'the order could not be created');
    const mayHaveReachedLatipay = err instanceof LatipayCallError ? err.mayHaveReachedLatipay : true;
    await ctx.storage.transaction(async (tx) => {
      const now = nowIso();
      const recorded = { status: failure.statusCode, code: failure.code, message: failure.message };
      await tx.orders.markCreateFailed(merchantReference, recorded, now);
      // An order Latipay may have created may have been paid too: the reconciler keeps the
      // check set at insert and asks. One that never reached Latipay has nothing to ask about.
      if (!mayHaveReachedLatipay) await tx.orders.scheduleCheck(merchantReference, 0, null);
      const details = { ...recorded, mayHaveReachedLatipay };
      await tx.events.record({ merchantReference, kind: 'latipay_create_failed', actor: 'latipay', details, at: now });
    });
    ctx.metrics.orderCreations.inc({ outcome: failure.code });
    return undefined;
  }
}

/** Latipay's create answers arriving together are recorded with one statement (Batcher). */
const createAnswers = perStorage((storage: Storage) =>
  new Batcher((answers: CreateAnswer[]) => storage.atomicStatement((tx) => tx.orders.recordCreated(answers, nowIso())), BATCH_LIMITS),
);

/** A new order to record under its request's Idempotency-Key. */
interface OrderRequest {
  request: IdempotentRequest;
  order: (now: string) => NewOrder;
}

/**
 * Orders asked for together are recorded with their Idempotency-Keys by one statement
 * (Batcher, store/new-orders.ts). Those whose keys were taken are then looked up: the earlier
 * requests under their keys are committed by then.
 */
const orderRequests = perStorage((storage: Storage) =>
  new Batcher(async (requests: OrderRequest[]) => {
    const now = nowIso();
    const keys = requests.map((item) => keyRowOf(item.request, now));
    const inserted = await storage.atomicStatement((tx) =>
      tx.newOrders.insert(requests.map((item, i) => ({ key: keys[i], order: item.order(now) }))),
    );
    return claimsOf(storage, requests.map((item) => item.request), keys, inserted);
  }, BATCH_LIMITS),
);

/**
 * The cart's lines at the catalogue's prices. Each product at most once; products the
 * catalogue does not have are named together, so the shopper learns which left the shop.
 */
function priceLines(ctx: AppContext, cart: CartLine[]): StoredLine[] {
  const ids = cart.map((line) => line.productId);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) throw badRequest(`each product at most once per order; given twice: ${[...new Set(twice)].join(', ')}`);
  const unknown = ids.filter((id) => ctx.config.catalog.get(id) === undefined);
  if (unknown.length > 0) {
    throw new HttpError(400, 'unknown_product', `not in the catalogue: ${unknown.map((id) => `"${id}"`).join(', ')}`);
  }
  return cart.map(({ productId, quantity }) => {
    const product = ctx.config.catalog.get(productId)!;
    return { productId, name: product.name, quantity, unitPriceCents: product.priceCents };
  });
}

/**
 * POST /api/orders. The same Idempotency-Key with the same request gives the same order
 * (or the same error) without a second Latipay call, even while the first is in flight.
 */
export async function createOrder(
  ctx: AppContext,
  input: CreateOrderInput,
  log: FastifyBaseLogger,
): Promise<CreateOrderResponse> {
  const lines = priceLines(ctx, input.lines);
  const order = {
    merchantReference: newMerchantReference(),
    buyerId: input.buyerId,
    lines,
    productName: summarizeLines(lines),
    amountCents: lines.reduce((sum, line) => sum + lineTotalCents(line), 0),
    currency: ctx.config.currency,
  };
  const request: IdempotentRequest = {
    scope: buyerScope(input.buyerId),
    endpoint: 'create_order',
    key: input.idempotencyKey,
    // A one-line order keeps the meaning it had before carts: a key in flight across an
    // upgrade still matches its request.
    meaning: input.lines.length === 1 ? [input.lines[0].productId, input.lines[0].quantity] : input.lines.map((l) => [l.productId, l.quantity]),
    merchantReference: order.merchantReference,
    refundId: null,
  };
  const rules = scheduleRules(ctx.config);
  return callOnce(ctx, request, {
    claim: () => orderRequests(ctx.storage).run({ request, order: (now) => ({ ...order, createdAt: now, nextCheckAt: firstCheckAt(now, rules) }) }),
    call: () => callLatipay(ctx, order, input.ip, log),
    answer: (id) => response(ctx, id),
  });
}
