import type { FastifyBaseLogger } from 'fastify';
import type { CreateOrderResponse, GatewayData } from '../../contract';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';
import { HttpError, recordedError } from '../errors';
import { newMerchantReference } from '../store/ids';
import { LatipayCallError, latipayHttpError } from '../latipay/call-error';
import { viewOrder } from './order-view';
import type { NewOrder } from '../store/orders';
import { callOnce, stillInProgress } from './idempotency';

export interface CreateOrderInput {
  productId: string;
  quantity: number;
  buyerId: string;
  idempotencyKey: string | null;
  ip: string;
}

/** Idempotency-Key scope: per signed-in buyer, so nobody can replay another buyer's key. */
const buyerScope = (buyerId: string) => `buyer:${buyerId}`;

function response(ctx: AppContext, merchantReference: string): CreateOrderResponse {
  const order = ctx.stores.orders.get(merchantReference)!;
  if (order.status === 'creating') throw stillInProgress();
  if (order.status === 'create_failed' || order.gatewaydata === null) {
    throw recordedError(
      { status: order.create_error_status, code: order.create_error_code, message: order.create_error_message },
      'the order could not be created',
    );
  }
  return {
    order: viewOrder(ctx.stores, order),
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
    const recorded = await ctx.groupCommit.run(() =>
      ctx.stores.orders.markCreated(merchantReference, created.latipayOrderId, created.gatewaydataJson, nowIso()),
    );
    // The same as response() would read back, without reading the row and its gatewaydata again.
    return recorded && { order: viewOrder(ctx.stores, recorded), gatewaydata: created.gatewaydata, mode: ctx.mode };
  } catch (err) {
    const apiError = err instanceof LatipayCallError ? latipayHttpError(err, 'create the order') : null;
    if (!apiError) log.error({ err }, 'creating the order failed');
    const failure = apiError ?? new HttpError(500, 'internal_error', 'the order could not be created');
    await ctx.groupCommit.run(() =>
      ctx.stores.orders.markCreateFailed(
        merchantReference,
        { status: failure.statusCode, code: failure.code, message: failure.message },
        nowIso(),
      ),
    );
    return undefined;
  }
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
  const product = ctx.config.catalog.get(input.productId);
  if (!product) throw new HttpError(400, 'unknown_product', `there is no product "${input.productId}"`);
  const order = {
    merchantReference: newMerchantReference(),
    buyerId: input.buyerId,
    productId: product.id,
    productName: product.name,
    quantity: input.quantity,
    amountCents: product.priceCents * input.quantity,
    currency: ctx.config.currency,
  };
  return callOnce(
    ctx,
    {
      scope: buyerScope(input.buyerId),
      endpoint: 'create_order',
      key: input.idempotencyKey,
      meaning: [input.productId, input.quantity],
      merchantReference: order.merchantReference,
      refundId: null,
    },
    {
      record: (now) => ctx.stores.orders.insert({ ...order, createdAt: now }),
      call: () => callLatipay(ctx, order, input.ip, log),
      answer: (id) => response(ctx, id),
    },
  );
}
