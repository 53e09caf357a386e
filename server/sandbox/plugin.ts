import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { LatipayCode } from '../latipay';
import { describeRequestError, sendControlError } from './http-errors';
import { latipayError } from './latipay-errors';
import { resolveSandboxOptions, type SandboxOptions } from './options';
import { registerControlFaults } from './routes/control-faults';
import { registerControlOrders } from './routes/control-orders';
import { registerCreateOrder } from './routes/create-order';
import { registerQueryOrder } from './routes/query-order';
import { registerRefundOrder } from './routes/refund-order';
import { closeSandboxState, createSandboxState, stopSandboxActivity, type SandboxState } from './state';

function logIfInternal(app: FastifyInstance, error: FastifyError, status: number): void {
  // Only our own faults are logged, and only their message: a request error can quote the body.
  if (status >= 500) app.log.error({ errorCode: error.code, errorMessage: error.message }, 'sandbox internal error');
}

/**
 * Fastify parses text/plain too, and a host app may add form parsing; Latipay and the control
 * API take JSON only, so a body of any other type is refused instead of half-understood.
 */
function hasJsonBodyOrNone(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return request.body === undefined || /^application\/json\s*(;|$)/i.test(type);
}

function badRequestCode(request: FastifyRequest): number {
  const isRefund = request.routeOptions.url?.endsWith('/refund') ?? false;
  return isRefund ? LatipayCode.REFUND_PARAMS_WRONG : LatipayCode.PARAM_WRONG;
}

/** Latipay's endpoints: even a body that fails to parse is answered the Latipay way, HTTP 200. */
async function latipayRoutes(app: FastifyInstance, state: SandboxState): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const described = describeRequestError(error);
    logIfInternal(app, error, described.status);
    if (described.status >= 500) return reply.code(500).send(latipayError(LatipayCode.FAIL, described.message));
    return reply.code(200).send(latipayError(badRequestCode(request), described.message));
  });
  app.addHook('preValidation', async (request, reply) => {
    if (!hasJsonBodyOrNone(request)) {
      return reply.code(200).send(latipayError(badRequestCode(request), 'content-type must be application/json;charset=UTF-8'));
    }
  });
  registerCreateOrder(app, state);
  registerQueryOrder(app, state);
  registerRefundOrder(app, state);
}

async function controlRoutes(app: FastifyInstance, state: SandboxState): Promise<void> {
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const described = describeRequestError(error);
    logIfInternal(app, error, described.status);
    return sendControlError(reply, described.status, described.code, described.message);
  });
  app.addHook('preValidation', async (request, reply) => {
    if (!hasJsonBodyOrNone(request)) {
      return sendControlError(reply, 415, 'unsupported_media_type', 'content-type must be application/json');
    }
  });
  registerControlOrders(app, state);
  registerControlFaults(app, state);
}

/**
 * The Latipay sandbox as an encapsulated Fastify plugin (deliberately not wrapped with
 * fastify-plugin): its error handlers stay inside, and a host app can mount it under a prefix.
 * With `databasePath` it keeps its orders in that SQLite file across restarts, and resumes
 * the notifications it still owes once the app listens.
 */
export const sandboxPlugin: FastifyPluginAsync<SandboxOptions> = async (app, options) => {
  const opts = resolveSandboxOptions({
    userId: options.userId,
    walletId: options.walletId,
    apiKey: options.apiKey,
    currency: options.currency,
    retryMs: options.retryMs,
    maxAttempts: options.maxAttempts,
    notifyTimeoutMs: options.notifyTimeoutMs,
    databasePath: options.databasePath,
  });
  const state = createSandboxState(opts, app.log);
  // preClose lets a request held by a delay fault finish (it may still write) before the
  // server waits for it; the store closes once every request is over.
  app.addHook('preClose', async () => stopSandboxActivity(state));
  app.addHook('onClose', async () => closeSandboxState(state));
  // Deliveries an earlier run still owed resume once the app listens: a backend mounting the
  // sandbox can then take its own notifications.
  app.addHook('onListen', async () => state.notifier.resume());
  await app.register(async (child) => latipayRoutes(child, state));
  await app.register(async (child) => controlRoutes(child, state));
};
