import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { buyerOf, requireBuyer } from '../http/buyer-session';
import { ERRORS, OrderParams, SandboxSettleBody, SandboxSettleResponse } from '../http/schemas';
import { payAtSandboxCashier } from '../sandbox/cashier';
import { SandboxControl } from '../sandbox/control';
import { LOCAL_ONLY_MESSAGE, isFromThisMachine } from '../sandbox/local-only';
import { IN_PROCESS_SANDBOX_PREFIX } from '../sandbox/mount';

/**
 * POST /api/sandbox/orders/{merchantReference}/settle: the sandbox cashier. Registered only
 * when the backend runs on the in-process sandbox (sandbox/cashier.ts). It pays or fails any
 * order, so like the sandbox's control API it answers only this machine unless
 * SANDBOX_REMOTE_CONTROL=1 (QA on a phone).
 */
export function sandboxCashierRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const control = new SandboxControl({
    baseUrl: () => `${ctx.localUrl()}${IN_PROCESS_SANDBOX_PREFIX}`,
    timeoutMs: ctx.config.latipay.timeoutMs,
  });
  return async (app) => {
    app.post(
      '/api/sandbox/orders/:merchantReference/settle',
      {
        onRequest: [
          async (request) => {
            if (ctx.config.sandboxRemoteControl || isFromThisMachine(request)) return;
            throw new HttpError(403, 'forbidden', LOCAL_ONLY_MESSAGE);
          },
          requireBuyer(ctx),
        ],
        schema: { params: OrderParams, body: SandboxSettleBody, response: { 200: SandboxSettleResponse, ...ERRORS } },
      },
      async (request) =>
        payAtSandboxCashier(ctx, control, buyerOf(request), request.params.merchantReference, request.body.action, request.log),
    );
  };
}
