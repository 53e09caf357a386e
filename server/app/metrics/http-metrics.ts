import type { FastifyInstance } from 'fastify';
import { refusedBy } from '../http/rate-limits';
import type { ShopMetrics } from './shop-metrics';

/** Requests with no route (404s, scanners): one label for all, so raw URLs never become labels. */
const NO_ROUTE = 'unmatched';

/**
 * Times every request by its route pattern (`/api/orders/:merchantReference`), never its URL,
 * and counts the abuse limits' refusals. Added to the root before the routes, so it covers them all.
 */
export function measureRequests(app: FastifyInstance, metrics: ShopMetrics): void {
  // A callback hook: an async one costs a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? NO_ROUTE;
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const limit = refusedBy(request);
    if (limit !== undefined) metrics.rateLimitRefusals.inc({ limit });
    done();
  });
}
