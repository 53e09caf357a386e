import type { FastifyBaseLogger } from 'fastify';
import type { CreateOrderResponse, ErrorCode, GatewayData } from '../../contract';
import type { AppContext } from '../context';
import { nowIso } from '../db';
import { ApiError } from '../errors';
import { idempotencyConflict, requestHash, stillInProgress } from '../idempotency';
import { newMerchantReference } from '../ids';
import { LatipayCallError, latipayApiError } from '../latipay-error';
import { toOrder } from '../order-view';

export interface CreateOrderInput {
  productId: string;
  quantity: number;
  buyerId: string | null;
  idempotencyKey: string | null;
  ip: string;
}

const ENDPOINT = 'create_order';

function response(ctx: AppContext, merchantReference: string): CreateOrderResponse {
  const order = ctx.stores.orders.get(merchantReference)!;
  if (order.status === 'creating') throw stillInProgress();
  if (order.status === 'create_failed' || order.gatewaydata === null) {
    throw new ApiError(
      order.create_error_status ?? 500,
      (order.create_error_code ?? 'internal_error') as ErrorCode,
      order.create_error_message ?? 'the order could not be created',
    );
  }
  return {
    order: toOrder(order, ctx.stores.refunds.succeededFor(merchantReference)),
    gatewaydata: JSON.parse(order.gatewaydata) as GatewayData,
    mode: ctx.mode,
  };
}

/** Records the order (and its Idempotency-Key) as `creating`, or finds the earlier one. */
function recordOrder(ctx: AppContext, input: CreateOrderInput): { merchantReference: string; replay: boolean } {
  const product = ctx.config.catalog.get(input.productId);
  if (!product) throw new ApiError(400, 'unknown_product', `there is no product "${input.productId}"`);
  const { stores } = ctx;
  return stores.transaction(() => {
    const now = nowIso();
    const merchantReference = newMerchantReference();
    if (input.idempotencyKey !== null) {
      const row = {
        scope: input.buyerId ?? 'anonymous',
        endpoint: ENDPOINT,
        key: input.idempotencyKey,
        request_hash: requestHash([input.productId, input.quantity]),
        merchant_reference: merchantReference,
        refund_id: null,
        created_at: now,
      };
      if (!stores.idempotency.claim(row)) {
        const earlier = stores.idempotency.find(row.scope, row.endpoint, row.key)!;
        if (earlier.request_hash !== row.request_hash) throw idempotencyConflict();
        return { merchantReference: earlier.merchant_reference!, replay: true };
      }
    }
    stores.orders.insert({
      merchantReference,
      buyerId: input.buyerId,
      productId: product.id,
      productName: product.name,
      quantity: input.quantity,
      amountCents: product.priceCents * input.quantity,
      currency: ctx.config.currency,
      createdAt: now,
    });
    return { merchantReference, replay: false };
  });
}

/** Asks Latipay for the order (outside any transaction) and records the answer. */
async function callLatipay(ctx: AppContext, merchantReference: string, ip: string, log: FastifyBaseLogger): Promise<void> {
  const order = ctx.stores.orders.get(merchantReference)!;
  try {
    const created = await ctx.latipay.createOrder(
      {
        amountCents: order.amount_cents,
        callbackUrl: ctx.callbackUrl(),
        merchantReference,
        ip,
        productName: order.product_name,
      },
      log,
    );
    ctx.stores.orders.markCreated(merchantReference, created.latipayOrderId, created.gatewaydataJson, nowIso());
  } catch (err) {
    const apiError = err instanceof LatipayCallError ? latipayApiError(err, 'create the order') : null;
    if (!apiError) log.error({ err }, 'creating the order failed');
    const failure = apiError ?? new ApiError(500, 'internal_error', 'the order could not be created');
    ctx.stores.orders.markCreateFailed(
      merchantReference,
      { status: failure.statusCode, code: failure.code, message: failure.message },
      nowIso(),
    );
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
  const { merchantReference, replay } = recordOrder(ctx, input);
  const inflightKey = `order:${merchantReference}`;
  if (replay) {
    await ctx.inflight.settled(inflightKey);
  } else {
    log.info({ merchantReference }, 'order recorded, asking Latipay');
    await ctx.inflight.run(inflightKey, () => callLatipay(ctx, merchantReference, input.ip, log));
  }
  return response(ctx, merchantReference);
}
