import { readFileSync } from 'node:fs';
import { formatCents, parseAmount } from '../latipay/amount';
import type { Product } from '../contract';
import { isRecord } from './is-record';

export interface CatalogProduct {
  id: string;
  name: string;
  description: string;
  priceCents: number;
}

export interface Catalog {
  products: CatalogProduct[];
  currency: string;
  get(id: string): CatalogProduct | undefined;
  toProducts(): Product[];
}

const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class CatalogError extends Error {}

function parseProduct(raw: unknown, index: number, seen: Set<string>): CatalogProduct {
  const where = `products[${index}]`;
  if (!isRecord(raw)) throw new CatalogError(`${where} is not an object`);
  const { id, name, description, price } = raw;
  if (typeof id !== 'string' || !PRODUCT_ID.test(id)) throw new CatalogError(`${where}.id must match ${PRODUCT_ID}`);
  if (seen.has(id)) throw new CatalogError(`${where}.id "${id}" is used twice`);
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
    throw new CatalogError(`${where}.name must be a non-empty string of at most 100 characters`);
  }
  if (typeof description !== 'string') throw new CatalogError(`${where}.description must be a string`);
  const priceCents = parseAmount(price);
  if (priceCents === null) throw new CatalogError(`${where}.price must be a positive amount such as "0.01"`);
  seen.add(id);
  return { id, name, description, priceCents };
}

/** Parses catalogue JSON text; throws CatalogError saying what is wrong. */
export function parseCatalog(text: string, currency: string): Catalog {
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
  const products = data.products.map((raw, index) => parseProduct(raw, index, seen));
  const byId = new Map(products.map((product) => [product.id, product]));
  return {
    products,
    currency,
    get: (id) => byId.get(id),
    toProducts: () =>
      products.map((p) => ({
        id: p.id,
        name: p.name,
        description: p.description,
        price: formatCents(p.priceCents),
        currency,
      })),
  };
}

export function loadCatalog(path: string, currency: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseCatalog(text, currency);
}
