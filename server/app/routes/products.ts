import type { FastifyPluginAsync } from 'fastify';
import type { ProductsResponse } from '../../contract';
import type { AppContext } from '../context';

export function productRoutes(ctx: AppContext): FastifyPluginAsync {
  const body: ProductsResponse = { products: ctx.config.catalog.toProducts() };
  return async (app) => {
    app.get('/api/products', async () => body);
  };
}
