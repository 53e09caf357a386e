import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { transportOptions } from '../http-server/transport';
import type { TrustProxy } from './config/config';
import type { AppContext } from './context';
import { dashboardPlugin } from './dashboard/plugin';
import { answerFrameworkError, installErrorHandling } from './http/error-handler';
import { OneLinePerRequest, loggerOptions, type LogDestination } from './http/logger';
import { rateLimitOptions } from './http/rate-limits';
import { measureRequests } from './metrics/http-metrics';
import { adminRoutes } from './routes/admin';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { notifyRoutes } from './routes/notify';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';
import { sandboxCashierRoutes } from './routes/sandbox-cashier';
import { sessionRoutes } from './routes/session';

/** Requests are small JSON or form bodies; anything bigger is refused with 413. */
export const BODY_LIMIT = 16 * 1024;

/**
 * Fastify's trustProxy for TRUST_PROXY. A hop count is a function trusting that many peers
 * from ours (Fastify 5.12 treats a bare number as trusting none).
 */
function trustProxyOption(trust: TrustProxy | null): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === null) return false;
  if ('addresses' in trust) return trust.addresses;
  const { hops } = trust;
  return (_address, hop) => hop < hops;
}

/** The Fastify app with every route; listening and closing are server.ts's. */
export function buildApp(ctx: AppContext, logStream?: LogDestination): FastifyInstance {
  const { requestTimeoutMs, maxPipelinedRequests } = ctx.config;
  const app = Fastify({
    // Node's HTTP server with REQUEST_TIMEOUT_MS and MAX_PIPELINED_REQUESTS, and transport errors
    // (unparsable requests, headers too large, timeouts) answered in the API's error shape.
    ...transportOptions({ requestTimeoutMs, maxPipelinedRequests }),
    logger: loggerOptions(ctx.config.logLevel, logStream),
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    logController: new OneLinePerRequest(),
    // Fastify's defaults coerce types ("1" becomes 1) and drop unknown fields silently: a
    // request is taken as it was sent or refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  // A callback hook: an async one costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // The API speaks JSON (and form for notifications): other bodies get 415, not a string.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  measureRequests(app, ctx.metrics);
  app.register(rateLimit, rateLimitOptions(ctx.counters));
  app.register(healthRoutes(ctx));
  app.register(productRoutes(ctx));
  app.register(sessionRoutes(ctx));
  app.register(orderRoutes(ctx));
  app.register(notifyRoutes(ctx));
  app.register(adminRoutes(ctx), { prefix: '/api/admin' });
  app.register(dashboardPlugin(ctx));
  app.register(metricsRoutes(ctx.metrics, ctx.config.metrics.token));
  // Only on the in-process sandbox: in live mode the route does not exist (404).
  if (ctx.mode === 'sandbox' && ctx.config.sandbox !== null) app.register(sandboxCashierRoutes(ctx));
  return app;
}
