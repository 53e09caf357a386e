import type { FastifyPluginAsync } from 'fastify';
import type { SandboxSettleResponse } from '../../contract';
import type { AppContext } from '../context';
import { ApiError, notFound } from '../errors';
import { viewOrder } from '../order-view';
import { SANDBOX_CASHIER, parseSettleBody } from '../sandbox-cashier';
import { IN_PROCESS_SANDBOX_PREFIX, SandboxControl, loopbackUrl, type ControlResult } from '../sandbox-control';
import { isMerchantReference } from '../validation';

function controlFailure(result: Exclude<ControlResult, { ok: true }>): ApiError {
  switch (result.kind) {
    case 'unreachable':
      return new ApiError(503, 'latipay_unavailable', 'the sandbox could not be reached to settle the order');
    case 'timeout':
      return new ApiError(504, 'latipay_timeout', 'the sandbox did not answer in time to settle the order');
    case 'refused':
      if (result.code === 'invalid_transition') {
        return new ApiError(409, 'order_not_pending', `the sandbox has already settled this order: ${result.message}`);
      }
      if (result.code === 'not_found') {
        // The sandbox keeps its orders in memory; the database outlives a restart.
        return new ApiError(502, 'latipay_error', 'the sandbox does not know this order (created before a restart?); start a new order');
      }
      return new ApiError(502, 'latipay_error', `the sandbox refused to settle the order: ${result.message}`);
  }
}

/**
 * POST /api/sandbox/orders/{merchantReference}/settle: the sandbox cashier. Registered only
 * when the backend runs on the in-process sandbox; it settles the order through the
 * sandbox's control API and answers the result code a real cashier would (sandbox-cashier.ts).
 */
export function sandboxCashierRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const control = new SandboxControl({
      baseUrl: () => `${loopbackUrl(app.server.address())}${IN_PROCESS_SANDBOX_PREFIX}`,
      timeoutMs: ctx.config.latipay.timeoutMs,
    });

    app.post<{ Params: { merchantReference: string } }>(
      '/api/sandbox/orders/:merchantReference/settle',
      async (request): Promise<SandboxSettleResponse> => {
        const { merchantReference } = request.params;
        if (!isMerchantReference(merchantReference)) throw notFound('no order with this merchant reference');
        const action = parseSettleBody(request.body);
        const order = ctx.stores.orders.get(merchantReference);
        if (!order) throw notFound('no order with this merchant reference');
        if (order.status !== 'pending') {
          throw new ApiError(409, 'order_not_pending', `the order is ${order.status}; only a pending order can be paid at the sandbox cashier`);
        }
        const { completion, resultCode } = SANDBOX_CASHIER[action];
        if (completion) {
          const result = await control.complete(merchantReference, completion);
          if (!result.ok) throw controlFailure(result);
        }
        request.log.info({ merchantReference, action, resultCode }, 'sandbox cashier');
        const current = ctx.stores.orders.get(merchantReference)!;
        return { resultCode, order: viewOrder(ctx.stores, current) };
      },
    );
  };
}
