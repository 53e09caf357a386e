import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';
import { ERRORS } from '../http/schemas';
import type { ShopMetrics } from '../metrics/shop-metrics';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * onRequest check of `Authorization: Bearer $METRICS_TOKEN`. Both sides are hashed first so
 * the constant-time comparison never sees different lengths. Without a token the route is off
 * on this port (503), as the admin API is without ADMIN_TOKEN.
 */
function metricsAuth(token: string | null) {
  const expected = token === null ? null : digest(token);
  return async (request: FastifyRequest): Promise<void> => {
    if (expected === null) {
      throw new HttpError(503, 'not_available', 'metrics are not served on this port: METRICS_TOKEN is not set');
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (match && timingSafeEqual(digest(match[1]), expected)) return;
    throw new HttpError(401, 'unauthorized', 'a valid metrics bearer token is required');
  };
}

/**
 * GET /metrics, Prometheus' text format. `token`: the bearer token it needs (METRICS_TOKEN on
 * the API's port), or `none` on the metrics port of its own, which needs none.
 */
export function metricsRoutes(metrics: ShopMetrics, token: string | null | 'none'): FastifyPluginAsyncTypebox {
  return async (app) => {
    const onRequest = token === 'none' ? [] : [metricsAuth(token)];
    app.get('/metrics', { onRequest, schema: { response: ERRORS } }, async (_request, reply: FastifyReply) =>
      reply.type(metrics.contentType).send(await metrics.text()),
    );
  };
}
