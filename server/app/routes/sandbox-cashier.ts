import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context';
import { ERRORS, OrderParams, SandboxSettleBody, SandboxSettleResponse } from '../http/schemas';
import { payAtSandboxCashier } from '../sandbox/cashier';
import { SandboxControl } from '../sandbox/control';
import { IN_PROCESS_SANDBOX_PREFIX } from '../sandbox/mount';

/**
 * POST /api/sandbox/orders/{merchantReference}/settle: the sandbox cashier. Registered only
 * when the backend runs on the in-process sandbox (sandbox/cashier.ts).
 */
export function sandboxCashierRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const control = new SandboxControl({
    baseUrl: () => `${ctx.localUrl()}${IN_PROCESS_SANDBOX_PREFIX}`,
    timeoutMs: ctx.config.latipay.timeoutMs,
  });
  return async (app) => {
    app.post(
      '/api/sandbox/orders/:merchantReference/settle',
      { schema: { params: OrderParams, body: SandboxSettleBody, response: { 200: SandboxSettleResponse, ...ERRORS } } },
      async (request) => payAtSandboxCashier(ctx, control, request.params.merchantReference, request.body.action, request.log),
    );
  };
}
