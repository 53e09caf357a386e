import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ProductsResponse as Products } from '../../contract';
import type { AppContext } from '../context';
import { ERRORS, ProductsResponse } from '../http/schemas';

export function productRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const body: Products = { products: ctx.config.catalog.toProducts() };
  return async (app) => {
    app.get('/api/products', { schema: { response: { 200: ProductsResponse, ...ERRORS } } }, async () => body);
  };
}
