import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context';
import { ERRORS, HealthResponse } from '../http/schemas';
import { checkHealth } from '../services/health';

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', { schema: { response: { 200: HealthResponse, ...ERRORS } } }, async () => checkHealth(ctx));
  };
}
