import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context';
import { answerFrameworkError, installErrorHandling } from './http/error-handler';
import { OneLinePerRequest, loggerOptions, type LogDestination } from './http/logger';
import { adminRoutes } from './routes/admin';
import { healthRoutes } from './routes/health';
import { notifyRoutes } from './routes/notify';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';
import { sandboxCashierRoutes } from './routes/sandbox-cashier';

/** Requests are small JSON or form bodies; anything bigger is refused with 413. */
export const BODY_LIMIT = 16 * 1024;

/** The Fastify app with every route; listening and closing are server.ts's. */
export function buildApp(ctx: AppContext, logStream?: LogDestination): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(ctx.config.logLevel, logStream),
    bodyLimit: BODY_LIMIT,
    trustProxy: ctx.config.trustProxy,
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
  app.register(healthRoutes(ctx));
  app.register(productRoutes(ctx));
  app.register(orderRoutes(ctx));
  app.register(notifyRoutes(ctx));
  app.register(adminRoutes(ctx), { prefix: '/api/admin' });
  // Only on the in-process sandbox: in live mode the route does not exist (404).
  if (ctx.mode === 'sandbox' && ctx.config.sandbox !== null) app.register(sandboxCashierRoutes(ctx));
  return app;
}
