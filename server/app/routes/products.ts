import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import type { ProductsResponse as Products } from '../../contract';
import { IMAGES_PREFIX } from '../catalog';
import type { AppContext } from '../context';
import { ERRORS, ProductsResponse } from '../http/schemas';

/** A day: pictures change with a new catalogue, and their ETag tells a cache when. */
const IMAGE_MAX_AGE_MS = 86_400_000;

/**
 * GET /api/products, and the products' pictures at /images/<file> with cache headers. The
 * pictures' absolute URLs use PUBLIC_BASE_URL, else the address the server listens at, so the
 * answer is made at the first request.
 */
export function productRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const { catalog } = ctx.config;
  const pictures = new Set(catalog.products.flatMap((product) => (product.image === null ? [] : [product.image])));
  let body: Products | undefined;
  return async (app) => {
    app.get('/api/products', { schema: { response: { 200: ProductsResponse, ...ERRORS } } }, async () => {
      body ??= { products: catalog.toProducts(ctx.config.publicBaseUrl ?? ctx.localUrl()) };
      return body;
    });
    if (catalog.imagesDir !== null) {
      await app.register(fastifyStatic, {
        root: catalog.imagesDir,
        prefix: `${IMAGES_PREFIX}/`,
        maxAge: IMAGE_MAX_AGE_MS,
        index: false,
        list: false,
        dotfiles: 'deny',
        // The catalogue's pictures only, not whatever else sits in the folder.
        allowedPath: (pathName: string) => pictures.has(pathName.replace(/^\//, '')),
      });
    }
  };
}
