// The shopper pays: what the result page shows, what the server recorded, what Latipay saw.
import { en } from '../../utils/strings-en';
import { waitFor } from '../support/wait';
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK as CONFIRM_CHECK } from './support/shop';

const RESULT = PAGES.result;

let shop: Shop;
beforeEach(async () => {
  shop = await Shop.open();
});
afterEach(() => shop.close());

it('pay → 9000 → notification → the success page shows it paid', async () => {
  shop.cashier.plays(MOVES.pay);
  await shop.openProduct('flat-white');
  shop.rt.tap('onQuantityChange', 2);
  await shop.rt.tap('onPay');

  const page = await shop.until(RESULT, (data) => data.state === 'paid');
  expect(page.data).toMatchObject({
    title: 'Payment successful',
    message: 'The merchant received NZ$11.00.',
    productName: 'Flat white ×2',
    amountText: 'NZ$11.00',
  });
  const [order] = await shop.serverOrders();
  expect(order).toMatchObject({ status: 'paid', amount: '11.00', items: [{ productId: 'flat-white', quantity: 2, lineTotal: '11.00' }], paidAt: expect.any(String) });
  expect(await shop.orderCount()).toBe(1);
  expect(await shop.results(order.merchantReference)).toEqual([{ source: 'notify', status: 'paid', outcome: 'applied' }]);
  // The notification had arrived, so the confirming check did not need to ask Latipay.
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
  expect(shop.cashier.charged).toEqual([order.merchantReference]);
  // A live backend: Alipay's cashier, never the sandbox cashier.
  expect(shop.rt.fake.tradePays).toHaveLength(1);
  expect(shop.rt.fake.callsTo('showActionSheet')).toEqual([]);
  expect(shop.transport.to('POST', /^\/api\/sandbox\//)).toEqual([]);
});

it('9000 with the notification delayed → confirming → paid, the server having asked Latipay', async () => {
  shop.cashier.plays(MOVES.payNotificationDelayed);
  const check = shop.transport.hold('GET', CONFIRM_CHECK);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await check.reached;

  const confirming = await shop.until(RESULT, (data) => data.state === 'confirming');
  expect(confirming.data).toMatchObject({ title: 'Confirming your payment', message: 'Please wait while we confirm the payment with the merchant.' });
  const [order] = await shop.serverOrders();
  expect(order.status).toBe('pending');

  check.release();
  const paid = await shop.until(RESULT, (data) => data.state === 'paid');
  expect(paid.data).toMatchObject({ title: 'Payment successful', amountText: 'NZ$0.01' });
  expect((await shop.serverOrder(order.merchantReference)).status).toBe('paid');
  expect(await shop.results(order.merchantReference)).toEqual([{ source: 'query', status: 'paid', outcome: 'applied' }]);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 1, refund: 0 });
  // The notification is still on its way.
  expect((await shop.latipayOrder(order.merchantReference)).notifications).toEqual([]);
  expect(await shop.orderCount()).toBe(1);
});

describe.each(['8000', '6004'])('%s → confirming', (code) => {
  it('→ paid via the notification', async () => {
    shop.cashier.plays({ resultCode: code, settle: { status: 'paid', notification: 'deliver' } });
    const check = shop.transport.hold('GET', CONFIRM_CHECK);
    await shop.openProduct('test-item');
    await shop.rt.tap('onPay');
    await check.reached;
    const confirming = await shop.until(RESULT, (data) => data.state === 'confirming');
    expect(confirming.data.title).toBe('Confirming your payment');

    const [order] = await shop.serverOrders();
    await shop.untilServer(order.merchantReference, 'paid');
    check.release();
    await shop.until(RESULT, (data) => data.state === 'paid');
    expect(await shop.results(order.merchantReference)).toEqual([{ source: 'notify', status: 'paid', outcome: 'applied' }]);
    expect(await shop.latipayCalls()).toEqual({ create: 1, query: 0, refund: 0 });
    expect(await shop.orderCount()).toBe(1);
  });

  it('→ paid via the query when the notification is dropped', async () => {
    shop.cashier.plays({ resultCode: code, settle: { status: 'paid', notification: 'drop' } });
    const check = shop.transport.hold('GET', CONFIRM_CHECK);
    await shop.openProduct('test-item');
    await shop.rt.tap('onPay');
    await check.reached;
    await shop.until(RESULT, (data) => data.state === 'confirming');
    const [order] = await shop.serverOrders();
    expect(order.status).toBe('pending');

    check.release();
    const paid = await shop.until(RESULT, (data) => data.state === 'paid');
    expect(paid.data.message).toBe('The merchant received NZ$0.01.');
    expect(await shop.results(order.merchantReference)).toEqual([{ source: 'query', status: 'paid', outcome: 'applied' }]);
    expect(await shop.latipayCalls()).toEqual({ create: 1, query: 1, refund: 0 });
    expect((await shop.latipayOrder(order.merchantReference)).notifications).toEqual([]);
    expect(await shop.orderCount()).toBe(1);
  });
});

it('8000 while Alipay is still processing: the page keeps checking, with backoff, until the payment lands', async () => {
  shop.cashier.plays({ resultCode: '8000' });
  const first = shop.transport.hold('GET', CONFIRM_CHECK);
  const second = shop.transport.hold('GET', CONFIRM_CHECK);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await first.reached;
  first.release();
  // Latipay still says pending: the shopper keeps seeing "confirming".
  await waitFor(() => shop.transport.to('GET', CONFIRM_CHECK).length === 1, { description: 'the first check' });
  expect(shop.page.data).toMatchObject({ state: 'confirming', title: 'Confirming your payment' });
  const [order] = await shop.serverOrders();
  expect(order.status).toBe('pending');

  await second.reached;
  // Alipay finishes processing; Latipay tells the merchant before the next check.
  await fetch(`${shop.latipayUrl}/sandbox/orders/${order.merchantReference}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'paid' }),
  });
  await shop.untilServer(order.merchantReference, 'paid');
  second.release();
  await shop.until(RESULT, (data) => data.state === 'paid');
  expect(await shop.results(order.merchantReference)).toEqual([{ source: 'notify', status: 'paid', outcome: 'applied' }]);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 1, refund: 0 });
  expect(await shop.orderCount()).toBe(1);
});

it('9000 but Latipay says failed → "not confirmed, see My orders", never a new order; the late payment then shows paid', async () => {
  shop.cashier.plays(MOVES.paidButReportedFailed);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');

  const page = await shop.until(RESULT, (data) => data.state === 'unconfirmed');
  expect(page.data).toMatchObject({ title: 'Payment not confirmed', message: en.notConfirmedMessage, canPayAgain: false });
  expect(String(page.data.message)).not.toMatch(/nothing was charged/i);
  const [order] = await shop.serverOrders();
  expect(order.status).toBe('failed');

  // Back to the product and Pay again: the same order is shown, nothing new is bought.
  await shop.backToProduct('test-item');
  await shop.rt.tap('onPay');
  const again = await shop.until(RESULT, (data) => data.state === 'unconfirmed');
  expect(again.query).toEqual({ ref: order.merchantReference });
  expect(await shop.orderCount()).toBe(1);
  expect(shop.rt.fake.tradePays).toHaveLength(1);

  // The money had moved after all: Latipay reports it late, and checking again shows it.
  const late = await fetch(`${shop.latipayUrl}/sandbox/orders/${order.merchantReference}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'paid' }),
  });
  expect(late.status).toBe(200);
  await shop.untilServer(order.merchantReference, 'paid');
  shop.rt.tap('onCheckAgain');
  const paid = await shop.until(RESULT, (data) => data.state === 'paid');
  expect(paid.data).toMatchObject({ title: 'Payment successful', amountText: 'NZ$0.01' });
  expect(await shop.results(order.merchantReference)).toEqual([
    { source: 'notify', status: 'failed', outcome: 'applied' },
    { source: 'notify', status: 'paid', outcome: 'applied' },
  ]);
  expect(await shop.orderCount()).toBe(1);
  // A failed order stays open on the server: each refresh (page, pay again, page) asked Latipay.
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: 3, refund: 0 });
});
