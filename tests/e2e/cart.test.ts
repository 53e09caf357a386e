// The cart against the real backend: several products paid in one order, edits before paying,
// what a failed or a paid payment does to the cart, and products that leave the catalogue.
import type { Order } from '../../server/contract';
import { en } from '../../utils/strings-en';
import { addToCart, keptCart, openCart, openCatalogue, removeLine, stepLine } from './support/cart';
import { catalogueWithout, type CatalogueFile } from './support/catalogue';
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

const CREATE = /^\/api\/orders$/;

let shop: Shop;
let catalogue: CatalogueFile | null;
beforeEach(async () => {
  shop = await Shop.open();
  catalogue = null;
});
afterEach(async () => {
  await shop.close();
  catalogue?.remove();
});

const linesOf = (order: Order) => order.items.map((item) => [item.productId, item.quantity, item.lineTotal]);
const createKeys = () =>
  shop.rt.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/orders').map((r) => r.header('Idempotency-Key'));
const notice = (...names: string[]) => en.noLongerSoldNotice.replace('{names}', names.join(', '));

/** The shop stops selling these products: the backend starts again with a catalogue without them. */
async function stopSelling(...productIds: string[]): Promise<void> {
  catalogue = catalogueWithout(...productIds);
  await shop.restartBackend({ CATALOG_PATH: catalogue.path });
}

it('two products in one order: one checkout, one order with both lines, paid, and shown line by line', async () => {
  shop.cashier.plays(MOVES.pay);
  await addToCart(shop, 'flat-white', 2);
  await addToCart(shop, 'canvas-tote', 1);
  expect((await openCatalogue(shop)).data.cartCount).toBe(3);

  const cart = await openCart(shop);
  expect(cart.data).toMatchObject({
    state: 'ready',
    lines: [
      { productId: 'flat-white', name: 'Flat white', priceText: 'NZ$5.50', quantity: 2, lineTotalText: 'NZ$11.00', available: true },
      { productId: 'canvas-tote', name: 'Canvas tote bag', priceText: 'NZ$18.00', quantity: 1, lineTotalText: 'NZ$18.00', available: true },
    ],
    totalText: 'NZ$29.00',
    canPay: true,
  });
  await shop.rt.tap('onPay');

  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(paid.data).toMatchObject({ productName: 'Flat white ×2 +1 more', amountText: 'NZ$29.00', message: 'The merchant received NZ$29.00.' });
  const [order] = await shop.serverOrders();
  expect(order).toMatchObject({ status: 'paid', amount: '29.00', productName: 'Flat white ×2 +1 more' });
  expect(linesOf(order)).toEqual([
    ['flat-white', 2, '11.00'],
    ['canvas-tote', 1, '18.00'],
  ]);
  expect(await shop.orderCount()).toBe(1);
  expect(createKeys()).toHaveLength(1);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
  expect(shop.cashier.charged).toEqual([order.merchantReference]);

  // Order details and My orders show the lines.
  shop.rt.tap('onViewOrder');
  const details = await shop.until(PAGES.order, (data) => data.state === 'ready');
  expect(details.data.order).toMatchObject({
    status: 'paid',
    amountText: 'NZ$29.00',
    lines: [
      { label: 'Flat white × 2', lineTotalText: 'NZ$11.00' },
      { label: 'Canvas tote bag × 1', lineTotalText: 'NZ$18.00' },
    ],
  });
  await openCatalogue(shop);
  shop.rt.tap('onMyOrders');
  const orders = await shop.until(PAGES.orders, (data) => data.state === 'ready');
  expect(orders.data.orders).toEqual([
    expect.objectContaining({ ref: order.merchantReference, lines: [expect.objectContaining({ label: 'Flat white × 2' }), expect.objectContaining({ label: 'Canvas tote bag × 1' })] }),
  ]);
});

it('quantity edits before paying: a cleared input holds Pay, and the order has the quantities the cart shows', async () => {
  shop.cashier.plays(MOVES.pay);
  await addToCart(shop, 'test-item', 1);
  await addToCart(shop, 'flat-white', 1);
  await addToCart(shop, 'pinot-noir-otago', 1);
  const cart = await openCart(shop);

  stepLine(shop, 'test-item', 3);
  expect(cart.data).toMatchObject({ totalText: 'NZ$45.43' });
  stepLine(shop, 'flat-white', null);
  expect(cart.data).toMatchObject({ totalText: '', canPay: false });
  await shop.rt.tap('onPay');
  expect(shop.transport.to('POST', CREATE)).toEqual([]);
  stepLine(shop, 'flat-white', 2);
  removeLine(shop, 'pinot-noir-otago');
  expect(cart.data).toMatchObject({ totalText: 'NZ$11.03', canPay: true });
  expect(keptCart(shop)).toEqual([
    { productId: 'test-item', quantity: 3 },
    { productId: 'flat-white', quantity: 2 },
  ]);

  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  const [order] = await shop.serverOrders();
  expect(order.amount).toBe('11.03');
  expect(linesOf(order)).toEqual([
    ['test-item', 3, '0.03'],
    ['flat-white', 2, '11.00'],
  ]);
  expect(await shop.orderCount()).toBe(1);
});

it('the cart is kept after a failed payment, also across a restart of the app; paying it again pays once, then empties it', async () => {
  shop.cashier.plays(MOVES.fail, MOVES.pay);
  await addToCart(shop, 'test-item', 2);
  await addToCart(shop, 'flat-white', 1);
  await openCart(shop);
  await shop.rt.tap('onPay');

  const failure = await shop.until(PAGES.result, (data) => data.state === 'failure');
  expect(failure.data.message).toBe('The payment failed.');
  const [failed] = await shop.serverOrders();
  await shop.untilServer(failed.merchantReference, 'failed');
  expect(keptCart(shop)).toEqual([
    { productId: 'test-item', quantity: 2 },
    { productId: 'flat-white', quantity: 1 },
  ]);

  await shop.restartApp();
  expect((await openCatalogue(shop)).data.cartCount).toBe(3);
  const cart = await openCart(shop);
  expect(cart.data).toMatchObject({ totalText: 'NZ$5.52', canPay: true });
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');

  const orders = await shop.serverOrders();
  expect(orders.map((o) => o.status)).toEqual(['paid', 'failed']);
  expect(linesOf(orders[0])).toEqual(linesOf(failed));
  expect(shop.cashier.charged).toEqual([orders[0].merchantReference]);
  expect(keptCart(shop)).toEqual([]);
});

it('emptied only once the server says paid: kept while confirming, then gone from the badge, also after a restart', async () => {
  shop.cashier.plays(MOVES.payNotificationDelayed);
  await addToCart(shop, 'canvas-tote', 2);
  await openCart(shop);
  const check = shop.transport.hold('GET', STATUS_CHECK);
  await shop.rt.tap('onPay');
  await check.reached;

  await shop.until(PAGES.result, (data) => data.state === 'confirming');
  expect(keptCart(shop)).toEqual([{ productId: 'canvas-tote', quantity: 2 }]);
  check.release();
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(keptCart(shop)).toEqual([]);
  expect((await openCatalogue(shop)).data.cartCount).toBe(0);

  await shop.restartApp();
  expect((await openCatalogue(shop)).data.cartCount).toBe(0);
  expect((await openCart(shop)).data.state).toBe('empty');
});

it('Pay on the same cart after a cancel pays that order: no second order', async () => {
  shop.cashier.plays(MOVES.cancel, MOVES.pay);
  await addToCart(shop, 'test-item', 1);
  await addToCart(shop, 'flat-white', 1);
  await openCart(shop);
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'failure');
  const [first] = await shop.serverOrders();

  await openCart(shop);
  await shop.rt.tap('onPay');
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(paid.query).toMatchObject({ ref: first.merchantReference });
  expect(await shop.orderCount()).toBe(1);
  const [pay1, pay2] = shop.rt.fake.tradePays;
  expect(pay2).toBe(pay1);
  expect(keptCart(shop)).toEqual([]);
});

it('a product the catalogue no longer lists: named in the cart, left out of the total, Pay held until it is removed; the rest is paid', async () => {
  shop.cashier.plays(MOVES.pay);
  await addToCart(shop, 'test-item', 1);
  await addToCart(shop, 'flat-white', 2);
  await stopSelling('flat-white');

  const cart = await openCart(shop);
  expect(cart.data).toMatchObject({
    lines: [
      { productId: 'test-item', available: true },
      { productId: 'flat-white', name: 'Flat white', available: false, lineTotalText: '' },
    ],
    totalText: 'NZ$0.01',
    unavailableText: notice('Flat white'),
    canPay: false,
  });
  await shop.rt.tap('onPay');
  expect(shop.transport.to('POST', CREATE)).toEqual([]);

  removeLine(shop, 'flat-white');
  expect(cart.data).toMatchObject({ unavailableText: '', canPay: true });
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  const [order] = await shop.serverOrders();
  expect(linesOf(order)).toEqual([['test-item', 1, '0.01']]);
});

it('the shop stops selling a product while the cart is open: the server refuses it (unknown_product), the cart names it, nothing is ordered', async () => {
  shop.cashier.plays(MOVES.pay);
  await addToCart(shop, 'test-item', 1);
  await addToCart(shop, 'canvas-tote', 1);
  const cart = await openCart(shop);
  expect(cart.data.canPay).toBe(true);
  await stopSelling('canvas-tote');

  await shop.rt.tap('onPay');
  await shop.until(PAGES.cart, (data) => data.paying === false && data.unavailableText !== '');
  expect(cart.data).toMatchObject({ unavailableText: notice('Canvas tote bag'), canPay: false, lines: [{ available: true }, { available: false }] });
  expect(shop.transport.to('POST', CREATE).map((e) => e.outcome)).toEqual([{ status: 400 }]);
  expect(await shop.orderCount()).toBe(0);
  expect(await shop.latipayCalls()).toEqual({ create: 0, query: 0, refund: 0 });
  expect(shop.rt.fake.tradePays).toEqual([]);
  expect(keptCart(shop)).toHaveLength(2);

  removeLine(shop, 'canvas-tote');
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(linesOf((await shop.serverOrders())[0])).toEqual([['test-item', 1, '0.01']]);
});

it("pictures: each product's picture URL is served by the backend, with cache headers", async () => {
  const home = await openCatalogue(shop);
  const products = home.data.products as Array<{ id: string; imageUrl: string | null }>;
  expect(products.length).toBeGreaterThan(0);
  for (const product of products) {
    expect(product.imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\/[\w-]+\.png$/);
    const response = await fetch(product.imageUrl as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\//);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
  }
});
