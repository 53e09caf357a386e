// After the payment: notifications that must change nothing, and a refund the shopper sees.
import { delivered, MOVES } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

let shop: Shop;
beforeEach(async () => {
  shop = await Shop.open();
});
afterEach(() => shop.close());

async function buy(productId: string): Promise<string> {
  await shop.openProduct(productId);
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  return String(shop.page.data.ref);
}

it('a duplicate notification changes nothing', async () => {
  shop.cashier.plays({ resultCode: '9000', settle: { status: 'paid', notification: 'duplicate' }, deliveries: 2 });
  const ref = await buy('test-item');

  const atLatipay = await shop.latipayOrder(ref);
  expect(delivered(atLatipay)).toBe(2);
  expect(await shop.results(ref)).toEqual([
    { source: 'notify', status: 'paid', outcome: 'applied' },
    { source: 'notify', status: 'paid', outcome: 'no_change' },
  ]);
  const [order] = await shop.serverOrders();
  expect(order).toMatchObject({ merchantReference: ref, status: 'paid', refundedAmount: '0.00' });
  expect(await shop.orderCount()).toBe(1);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
  expect(shop.rt.opened.filter((p) => p.route === PAGES.result)).toHaveLength(1);
});

it('a badly signed notification changes nothing: the order is paid only once Latipay itself says so', async () => {
  // The sandbox tries 5 times (SANDBOX_MAX_ATTEMPTS here) and is refused every time.
  shop.cashier.plays({ resultCode: '9000', settle: { status: 'paid', notification: 'bad_signature' }, attempts: 5 });
  const check = shop.transport.hold('GET', STATUS_CHECK);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await check.reached;

  const [order] = await shop.serverOrders();
  const attempts = (await shop.latipayOrder(order.merchantReference)).notifications;
  expect(attempts.map((a) => a.httpStatus)).toEqual([403, 403, 403, 403, 403]);
  expect(order.status).toBe('pending');
  expect(await shop.results(order.merchantReference)).toEqual([]);
  expect(shop.page.data.state).toBe('confirming');

  check.release();
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(await shop.results(order.merchantReference)).toEqual([{ source: 'query', status: 'paid', outcome: 'applied' }]);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 1, refund: 0 });
});

it("a refund through the admin API shows on the shopper's order detail", async () => {
  shop.cashier.plays(MOVES.pay);
  const ref = await buy('flat-white');
  shop.rt.tap('onViewOrder');
  const detail = await shop.until(PAGES.order, (data) => data.state === 'ready');
  expect(detail.data).toMatchObject({ order: { ref, status: 'paid', amountText: 'NZ$5.50', refundedText: null, refunds: [] }, canPay: false });

  const response = await fetch(`${shop.server.url}/api/admin/orders/${ref}/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shop.server.adminToken}`, 'idempotency-key': 'refund-1', 'content-type': 'application/json' },
    body: JSON.stringify({ amount: '2.50', reason: 'Out of oat milk' }),
  });
  expect(response.status).toBe(201);

  await shop.rt.tap('onRefresh');
  await shop.until(PAGES.order, (data) => data.refreshing === false && (data.order as { status: string }).status !== 'paid');
  expect(shop.page.data.order).toMatchObject({
    status: 'partially_refunded',
    amountText: 'NZ$5.50',
    refundedText: 'NZ$2.50',
    refunds: [{ amountText: 'NZ$2.50', reason: 'Out of oat milk' }],
  });
  expect((await shop.latipayOrder(ref)).refundedAmount).toBe('2.50');
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 1 });
  expect(await shop.orderCount()).toBe(1);
});
