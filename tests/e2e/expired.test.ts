// An order left unpaid expires (the backend's reconciler gives it up after ORDER_EXPIRES_AFTER_S):
// the app shows it expired and offers to buy the same again, which is a new order, paid once.
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop } from './support/shop';

let shop: Shop;
beforeEach(async () => {
  // Unpaid orders expire 1 s after creation; the reconciler looks every 200–300 ms.
  shop = await Shop.open({
    env: { ORDER_EXPIRES_AFTER_S: '1', RECONCILE_MAX_QPS: '50', RECONCILE_SCHEDULE_MS: '200', RECONCILE_REPEAT_MS: '300' },
  });
});
afterEach(() => shop.close());

it('order details show an expired order as expired; Buy again makes a new order for the same items, charged once', async () => {
  shop.cashier.plays(MOVES.cancel, MOVES.pay);
  await shop.openProduct('flat-white');
  await shop.rt.tap('onPay');
  await shop.until(PAGES.result, (data) => data.state === 'failure');
  const [first] = await shop.serverOrders();
  await shop.untilServer(first.merchantReference, 'expired');

  shop.rt.reLaunch(`/pages/order/order?ref=${first.merchantReference}`);
  const detail = await shop.until(PAGES.order, (data) => data.state === 'ready');
  expect(detail.data).toMatchObject({ canPay: false, payElsewhere: false, canBuyAgain: true, order: { status: 'expired' } });

  await shop.rt.tap('onBuyAgain');
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(paid.data).toMatchObject({ title: 'Payment successful', amountText: 'NZ$5.50' });

  const orders = await shop.serverOrders();
  expect(orders.map((order) => order.status)).toEqual(['paid', 'expired']);
  expect(orders[0].merchantReference).not.toBe(first.merchantReference);
  expect(orders[0].items).toEqual(first.items);
  expect(shop.cashier.charged).toEqual([orders[0].merchantReference]);
  expect((await shop.latipayOrder(first.merchantReference)).status).toBe('pending');
});

it('the result page says the order expired while it was being confirmed, and buys again from there', async () => {
  // The cashier says "processing" (6004) and no money moves; then the shopper pays the new order.
  shop.cashier.plays({ resultCode: '6004' }, MOVES.pay);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  const expired = await shop.until(PAGES.result, (data) => data.state === 'expired');
  expect(expired.data).toMatchObject({ resultType: 'warning', title: 'Order expired' });
  expect(String(expired.data.message)).toContain('can no longer be paid');
  const [first] = await shop.serverOrders();
  expect(first.status).toBe('expired');

  await shop.rt.tap('onPayAgain');
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(paid.data.ref).not.toBe(first.merchantReference);
  const orders = await shop.serverOrders();
  expect(orders.map((order) => order.status)).toEqual(['paid', 'expired']);
  expect(shop.cashier.charged).toEqual([orders[0].merchantReference]);
});
