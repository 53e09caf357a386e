import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatCents, parseAmount } from '../latipay/amount';
import type { Product } from '../contract';
import { isRecord } from './is-record';

export interface CatalogProduct {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  /** A file in the catalogue's images folder, or null. */
  image: string | null;
}

export interface Catalog {
  products: CatalogProduct[];
  currency: string;
  /** The folder of the product pictures, `images/` beside the catalogue file; null when there is none. */
  imagesDir: string | null;
  get(id: string): CatalogProduct | undefined;
  /** The API's products; pictures at `${baseUrl}/images/<file>`. */
  toProducts(baseUrl: string): Product[];
}

const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IMAGE_FILE = /^[A-Za-z0-9_-]{1,64}\.(png|jpe?g|webp)$/;
/** Where the backend serves the catalogue's pictures. */
export const IMAGES_PREFIX = '/images';

export class CatalogError extends Error {}

function parseImage(image: unknown, where: string, imagesDir: string | null): string | null {
  if (image === undefined) return null;
  if (typeof image !== 'string' || !IMAGE_FILE.test(image)) {
    throw new CatalogError(`${where}.image must be a file name such as "flat-white.png" (png, jpg or webp)`);
  }
  if (imagesDir !== null && !existsSync(path.join(imagesDir, image))) {
    throw new CatalogError(`${where}.image ${image} is not in ${imagesDir}`);
  }
  return image;
}

function parseProduct(raw: unknown, index: number, seen: Set<string>, imagesDir: string | null): CatalogProduct {
  const where = `products[${index}]`;
  if (!isRecord(raw)) throw new CatalogError(`${where} is not an object`);
  const { id, name, description, price, image } = raw;
  if (typeof id !== 'string' || !PRODUCT_ID.test(id)) throw new CatalogError(`${where}.id must match ${PRODUCT_ID}`);
  if (seen.has(id)) throw new CatalogError(`${where}.id "${id}" is used twice`);
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
    throw new CatalogError(`${where}.name must be a non-empty string of at most 100 characters`);
  }
  if (typeof description !== 'string') throw new CatalogError(`${where}.description must be a string`);
  const priceCents = parseAmount(price);
  if (priceCents === null) throw new CatalogError(`${where}.price must be a positive amount such as "0.01"`);
  seen.add(id);
  return { id, name, description, priceCents, image: parseImage(image, where, imagesDir) };
}

/**
 * Parses catalogue JSON text; throws CatalogError saying what is wrong. Pictures must exist
 * in imagesDir (null: a catalogue without a folder, whose pictures are not checked).
 */
export function parseCatalog(text: string, currency: string, imagesDir: string | null = null): Catalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CatalogError('is not valid JSON');
  }
  if (!isRecord(data) || !Array.isArray(data.products) || data.products.length === 0) {
    throw new CatalogError('must be {"products": [...]} with at least one product');
  }
  const seen = new Set<string>();
  const products = data.products.map((raw, index) => parseProduct(raw, index, seen, imagesDir));
  const byId = new Map(products.map((product) => [product.id, product]));
  return {
    products,
    currency,
    imagesDir: imagesDir !== null && existsSync(imagesDir) ? imagesDir : null,
    get: (id) => byId.get(id),
    toProducts: (baseUrl) =>
      products.map((p) => ({
        id: p.id,
        name: p.name,
        description: p.description,
        price: formatCents(p.priceCents),
        currency,
        imageUrl: p.image === null ? null : `${baseUrl}${IMAGES_PREFIX}/${p.image}`,
      })),
  };
}

export function loadCatalog(file: string, currency: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseCatalog(text, currency, path.join(path.dirname(file), 'images'));
}
