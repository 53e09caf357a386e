// Creating the order: the backend unreachable or failing, and impatient taps.
import { unusedLocalUrl } from '../support/receiver';
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop } from './support/shop';

const CREATE = /^\/api\/orders$/;

let shop: Shop;
beforeEach(async () => {
  shop = await Shop.open();
});
afterEach(() => shop.close());

const createKeys = () =>
  shop.rt.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/orders').map((r) => r.header('Idempotency-Key'));

it('the backend unreachable → a clear error and nothing ordered; paying again once it is back works', async () => {
  shop.cashier.plays(MOVES.pay);
  await shop.openProduct('test-item');
  shop.transport.target = await unusedLocalUrl();
  await shop.rt.tap('onPay');

  const product = await shop.until(PAGES.product, (data) => data.paying === false && data.payError !== '');
  const message = 'Network problem. Check your connection and try again.';
  expect(product.data.payError).toBe(message);
  expect(shop.rt.fake.callsTo('showToast')).toEqual([{ content: message, type: 'fail' }]);
  expect(shop.transport.to('POST', CREATE).map((e) => e.outcome)).toEqual([{ error: 12 }]);
  expect(shop.orderCount()).toBe(0);
  expect(await shop.latipayCalls()).toEqual({ create: 0, query: 0, refund: 0 });
  expect(shop.rt.fake.tradePays).toEqual([]);

  shop.transport.target = shop.server.url;
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(shop.orderCount()).toBe(1);
  expect((await shop.serverOrders()).map((o) => o.status)).toEqual(['paid']);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
  // The retry may find an order the first try created, so it keeps the first try's key.
  const [first, second] = createKeys();
  expect(second).toBe(first);
});

it('the backend answering 5xx (Latipay failing) → a clear error; paying again creates a new order and pays it', async () => {
  shop.cashier.plays(MOVES.pay);
  await shop.fault({ endpoint: 'create', kind: 'http_500' });
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');

  const product = await shop.until(PAGES.product, (data) => data.paying === false && data.payError !== '');
  expect(product.data.payError).toBe('The payment service is unavailable right now. Please try again later.');
  expect(shop.transport.to('POST', CREATE).map((e) => e.outcome)).toEqual([{ status: 502 }]);
  expect((await shop.serverOrders()).map((o) => o.status)).toEqual(['create_failed']);
  expect(shop.rt.fake.tradePays).toEqual([]);

  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect((await shop.serverOrders()).map((o) => o.status)).toEqual(['paid', 'create_failed']);
  expect(shop.orderCount()).toBe(2);
  expect(await shop.latipayCalls()).toEqual({ create: 2, query: 0, refund: 0 });
  expect(shop.cashier.charged).toHaveLength(1);
  // The backend answered, so the failed try's key is done with: a new try, a new key.
  const [first, second] = createKeys();
  expect(second).not.toBe(first);
});

it('a double tap on Pay → one order, one cashier, paid once', async () => {
  shop.cashier.plays(MOVES.pay);
  await shop.openProduct('test-item');
  shop.rt.tap('onPay');
  shop.rt.tap('onPay');
  shop.rt.tap('onPay');

  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(shop.transport.to('POST', CREATE)).toHaveLength(1);
  expect(shop.rt.fake.tradePays).toHaveLength(1);
  expect(shop.orderCount()).toBe(1);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
});

it('a double tap on "Pay again" → the same order, one more cashier, paid once', async () => {
  shop.cashier.plays(MOVES.cancel, MOVES.pay);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'failure');
  shop.rt.tap('onPayAgain');
  shop.rt.tap('onPayAgain');

  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(shop.rt.fake.tradePays).toHaveLength(2);
  expect(shop.orderCount()).toBe(1);
  expect(shop.cashier.charged).toHaveLength(1);
  expect((await shop.latipayCalls()).create).toBe(1);
});
