/**
 * Catalogue files for a backend started with CATALOG_PATH: the shop's own catalogue
 * (server/catalog.json) without some products, with its pictures beside it as the backend
 * expects (`images/` next to the file).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SHOP_CATALOGUE = path.resolve(__dirname, '../../../server/catalog.json');

export interface CatalogueFile {
  path: string;
  remove(): void;
}

export function catalogueWithout(...productIds: string[]): CatalogueFile {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-catalogue-'));
  const catalogue = JSON.parse(readFileSync(SHOP_CATALOGUE, 'utf8')) as { products: Array<{ id: string }> };
  catalogue.products = catalogue.products.filter((product) => !productIds.includes(product.id));
  const file = path.join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(catalogue));
  const images = path.join(path.dirname(SHOP_CATALOGUE), 'images');
  if (existsSync(images)) cpSync(images, path.join(dir, 'images'), { recursive: true });
  return { path: file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
