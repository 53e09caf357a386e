import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildOrderStr } from '../../utils/payment';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { createOrder, getOrder, sandboxCalls, sandboxOrder } from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const line = (productId: string, quantity: number) => ({ productId, quantity });

describe('POST /api/orders with a cart', () => {
  it('makes one order of several lines, priced by the server, summed up for Latipay', async () => {
    const res = await createOrder(server, { items: [line('flat-white', 2), line('canvas-tote', 1)] });
    expect(res.status).toBe(201);
    const { order, gatewaydata } = res.body;
    expect(order).toMatchObject({
      amount: '29.00',
      productName: 'Flat white ×2 +1 more',
      items: [
        { productId: 'flat-white', name: 'Flat white', quantity: 2, unitPrice: '5.50', lineTotal: '11.00' },
        { productId: 'canvas-tote', name: 'Canvas tote bag', quantity: 1, unitPrice: '18.00', lineTotal: '18.00' },
      ],
    });
    expect(gatewaydata).toMatchObject({ total_fee: '29.00', subject: 'Flat white ×2 +1 more' });
    expect(await sandboxOrder(server, order.merchantReference)).toMatchObject({ amount: '29.00', productName: 'Flat white ×2 +1 more' });
    expect((await getOrder(server, order.merchantReference)).body.order).toEqual(order);
  });

  it.each<[string, unknown]>([
    ['no lines', { items: [] }],
    ['21 lines', { items: Array.from({ length: 21 }, (_, i) => line(`p${i}`, 1)) }],
    ['a quantity of 0', { items: [line('flat-white', 0)] }],
    ['a quantity of 100', { items: [line('flat-white', 100)] }],
    ['a product twice', { items: [line('flat-white', 1), line('flat-white', 2)] }],
    ['items and a single product together', { items: [line('flat-white', 1)], productId: 'canvas-tote', quantity: 1 }],
    ['neither items nor a product', { quantity: 1 }],
  ])('refuses %s with 400 invalid_request, calling Latipay not at all', async (_what, body) => {
    const before = (await sandboxCalls(server)).create;
    const res = await createOrder(server, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect((await sandboxCalls(server)).create).toBe(before);
  });

  it('names every product that is not in the catalogue (400 unknown_product)', async () => {
    const res = await createOrder(server, { items: [line('flat-white', 1), line('caviar', 1), line('truffles', 2)] });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'unknown_product', message: 'not in the catalogue: "caviar", "truffles"' });
  });

  it('replays the same cart under the same Idempotency-Key, and refuses another cart under it', async () => {
    const headers = { 'idempotency-key': 'cart-1' };
    const cart = { items: [line('flat-white', 1), line('test-item', 3)] };
    const first = await createOrder(server, cart, headers);
    const again = await createOrder(server, cart, headers);
    expect(again.body.order.merchantReference).toBe(first.body.order.merchantReference);
    const other = await createOrder(server, { items: [line('flat-white', 2), line('test-item', 3)] }, headers);
    expect(other.status).toBe(409);
  });

  it('shows an order made before carts as its one line', async () => {
    const { buyerId } = await server.signIn();
    const now = new Date().toISOString();
    await server.rows(
      `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status, created_at, updated_at)
       VALUES ('Mbeforecarts', ?, 'flat-white', 'Flat white', 3, 1650, 'NZD', 'pending', ?, ?)
       RETURNING id`,
      buyerId, now, now,
    );
    expect((await getOrder(server, 'Mbeforecarts')).body.order).toMatchObject({
      productName: 'Flat white',
      amount: '16.50',
      items: [{ productId: 'flat-white', name: 'Flat white', quantity: 3, unitPrice: '5.50', lineTotal: '16.50' }],
    });
  });
});

describe("product names that would break Alipay's orderStr", () => {
  let dir: string;
  let shop: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
    const products = [
      { id: 'fish-chips', name: 'Fish & chips "large"', description: '', price: '12.00' },
      { id: 'a-equals-b', name: 'a=b', description: '', price: '1.00' },
    ];
    writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ products }));
    shop = await startTestServer({ env: { CATALOG_PATH: path.join(dir, 'catalog.json') } });
  });
  afterAll(async () => {
    await shop.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never sends &, = or " in product_name, so the orderStr the mini app builds keeps every pair', async () => {
    for (const items of [[line('fish-chips', 2), line('a-equals-b', 1)], [line('a-equals-b', 1)]]) {
      const res = await createOrder(shop, { items });
      expect(res.status).toBe(201);
      expect(res.body.order.productName).not.toMatch(/[&="]/);
      const orderStr = buildOrderStr(res.body.gatewaydata);
      const pairs = orderStr.split('&');
      expect(pairs).toHaveLength(Object.keys(res.body.gatewaydata).length);
      for (const pair of pairs) expect(pair.split('=')).toHaveLength(2);
    }
    expect((await createOrder(shop, { items: [line('fish-chips', 2)] })).body.order.productName).toBe("Fish + chips 'large' ×2");
  });

  it('lists products without pictures with a null imageUrl', async () => {
    const res = await http(`${shop.url}/api/products`);
    expect(res.body.products.map((p: { imageUrl: unknown }) => p.imageUrl)).toEqual([null, null]);
  });
});

describe('product pictures', () => {
  it('are served from the folder beside the catalogue with their content type and cache headers', async () => {
    const { body } = await http(`${server.url}/api/products`);
    const url = body.products.find((p: { id: string }) => p.id === 'flat-white').imageUrl as string;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // node:http, not fetch: fetch adds `cache-control: no-cache` to a conditional request.
    const revalidated = await new Promise<number | undefined>((resolve, reject) => {
      get(url, { headers: { 'if-none-match': res.headers.get('etag')! } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject);
    });
    expect(revalidated).toBe(304);
  });

  it("serve the catalogue's pictures only, not other files in the folder", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pictures-'));
    mkdirSync(path.join(dir, 'images'));
    copyFileSync(path.join(__dirname, '../../server/images/flat-white.png'), path.join(dir, 'images', 'cup.png'));
    for (const other of ['notes.txt', '.env', 'spare.png']) writeFileSync(path.join(dir, 'images', other), 'not for shoppers');
    writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ products: [{ id: 'cup', name: 'Cup', description: '', price: '1.00', image: 'cup.png' }] }));
    const shop = await startTestServer({ env: { CATALOG_PATH: path.join(dir, 'catalog.json') } });
    try {
      expect((await fetch(`${shop.url}/images/cup.png`)).status).toBe(200);
      for (const other of ['notes.txt', '.env', 'spare.png']) {
        const res = await http(`${shop.url}/images/${other}`);
        expect(res.status).toBeGreaterThanOrEqual(403);
        expect(res.text).not.toContain('not for shoppers');
      }
    } finally {
      await shop.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answer 404 in the error shape for a missing picture, a path out of the folder and the folder itself', async () => {
    for (const missing of ['/images/caviar.png', '/images/../catalog.json', '/images/%2e%2e/catalog.json']) {
      const res = await http(`${server.url}${missing}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    // The folder itself is not listed.
    const folder = await http(`${server.url}/images/`);
    expect(folder.status).toBe(404);
    expect(folder.body.error.code).toBe('not_found');
  });
});
