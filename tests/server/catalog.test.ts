import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogError, parseCatalog } from '../../server/app/catalog';

const product = (over: Record<string, unknown> = {}) => ({ id: 'p1', name: 'P', description: 'd', price: '1.00', ...over });
const parse = (products: unknown) => parseCatalog(JSON.stringify({ products }), 'NZD');

describe('catalogue', () => {
  it('ships products including one priced 0.01, all valid', () => {
    const text = readFileSync(path.join(__dirname, '../../server/catalog.json'), 'utf8');
    const catalog = parseCatalog(text, 'AUD');
    expect(catalog.products.length).toBeGreaterThanOrEqual(3);
    expect(catalog.toProducts('https://shop.example').map((p) => p.price)).toContain('0.01');
    expect(catalog.toProducts('https://shop.example').every((p) => p.currency === 'AUD')).toBe(true);
  });

  it('keeps prices in cents and writes them with 2 decimals', () => {
    const catalog = parse([product({ price: '12.5' })]);
    expect(catalog.get('p1')?.priceCents).toBe(1250);
    expect(catalog.toProducts('https://shop.example')[0].price).toBe('12.50');
  });

  it.each([
    ['a price that is not an amount', [product({ price: 1 })], /products\[0\]\.price/],
    ['a negative price', [product({ price: '-1.00' })], /products\[0\]\.price/],
    ['three decimals', [product({ price: '1.005' })], /products\[0\]\.price/],
    ['a duplicate id', [product(), product()], /used twice/],
    ['a bad id', [product({ id: 'has space' })], /products\[0\]\.id/],
    ['no products', [], /at least one product/],
  ])('refuses %s', (_what, products, message) => {
    expect(() => parse(products)).toThrow(CatalogError);
    expect(() => parse(products)).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseCatalog('{', 'NZD')).toThrow('is not valid JSON');
  });
});
