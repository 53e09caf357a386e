import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context';

export function healthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => {
      ctx.stores.db.prepare('SELECT 1').get();
      return { status: 'ok', mode: ctx.mode };
    });
  };
}
