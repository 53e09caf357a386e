// Creating the order: the backend unreachable or failing, and impatient taps.
import type { HttpErrorDelivery } from '../miniapp/harness';
import { en } from '../../utils/strings-en';
import { unusedLocalUrl } from '../support/receiver';
import { waitFor } from '../support/wait';
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

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
  expect(await shop.orderCount()).toBe(0);
  expect(await shop.latipayCalls()).toEqual({ create: 0, query: 0, refund: 0 });
  expect(shop.rt.fake.tradePays).toEqual([]);

  shop.transport.target = shop.server.url;
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(await shop.orderCount()).toBe(1);
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
  expect(await shop.orderCount()).toBe(2);
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
  expect(await shop.orderCount()).toBe(1);
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
  expect(await shop.orderCount()).toBe(1);
  expect(shop.cashier.charged).toHaveLength(1);
  expect((await shop.latipayCalls()).create).toBe(1);
});

it.each<[HttpErrorDelivery, string]>([
  ['fail19', en.errorServerUnknown],
  ['fail19-without-status', en.errorOrderNotReady],
])(
  '"still being processed" (409) delivered as error 19 (%s) keeps the Idempotency-Key: the retry gets the one order',
  async (delivery, message) => {
    shop.cashier.plays(MOVES.pay);
    shop.transport.errorDelivery = delivery;
    // Two instances of the backend on one database. The second waits for the first's answer
    // for as long as its own Latipay timeout (+1 s) allows, here less than Latipay's delay.
    const second = await shop.startSecondInstance({ LATIPAY_TIMEOUT_MS: '300' });
    await shop.openProduct('test-item');
    await shop.fault({ endpoint: 'create', kind: 'delay', delayMs: 2500 });
    const create = shop.transport.hold('POST', CREATE);
    void shop.rt.tap('onPay');
    const held = await create.reached;
    // The same request, sent a moment earlier to the first instance (its answer lost on the way),
    // is still waiting for Latipay when the retry reaches the second.
    const earlier = fetch(`${shop.server.url}/api/orders`, { method: 'POST', headers: held.headers, body: held.data as string });
    await waitFor(async () => (await shop.latipayCalls()).create === 1, { description: 'the earlier request at Latipay' });
    shop.transport.target = second.url;
    create.release();

    const product = await shop.until(PAGES.product, (data) => data.paying === false && data.payError !== '');
    expect(product.data.payError).toBe(message);
    expect(shop.transport.to('POST', CREATE).map((e) => e.outcome)).toEqual([{ status: 409 }]);
    expect((await earlier).status).toBe(201);

    await shop.rt.tap('onPay');
    await shop.until(PAGES.result, (data) => data.state === 'paid');
    const [first, retried] = createKeys();
    expect(retried).toBe(first);
    expect(shop.transport.to('POST', CREATE).map((e) => e.outcome)).toEqual([{ status: 409 }, { status: 201 }]);
    expect(await shop.orderCount()).toBe(1);
    expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
    expect(shop.rt.fake.tradePays).toHaveLength(1);
  },
);

it('back from the result page while it confirms, then Pay → the same order, found paid: no second order', async () => {
  shop.cashier.plays(MOVES.payNotificationDelayed);
  const check = shop.transport.hold('GET', STATUS_CHECK);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await check.reached;
  await shop.until(PAGES.result, (data) => data.state === 'confirming');
  const back = shop.backToProduct('test-item');
  check.release();
  await back;
  await shop.transport.idle();

  await shop.rt.tap('onPay');
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  const [order] = await shop.serverOrders();
  expect(paid.query).toEqual({ ref: order.merchantReference });
  expect(await shop.orderCount()).toBe(1);
  expect(shop.transport.to('POST', CREATE)).toHaveLength(1);
  expect(shop.rt.fake.tradePays).toHaveLength(1);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 1, refund: 0 });
});

it('back from the failure page after a cancel, then Pay → the same order paid at the same Alipay order', async () => {
  shop.cashier.plays(MOVES.cancel, MOVES.pay);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'failure');
  await shop.transport.idle();
  await shop.backToProduct('test-item');

  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(await shop.orderCount()).toBe(1);
  expect(shop.transport.to('POST', CREATE)).toHaveLength(1);
  const [firstPay, secondPay] = shop.rt.fake.tradePays;
  expect(secondPay).toBe(firstPay);
  expect(shop.cashier.charged).toHaveLength(1);
  expect((await shop.serverOrders()).map((o) => o.status)).toEqual(['paid']);
});
