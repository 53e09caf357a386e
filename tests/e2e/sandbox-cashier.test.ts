// `npm start` as developers and QA run it: the backend on its in-process sandbox says so, and
// the mini app offers the sandbox cashier (an action sheet) instead of Alipay's.
import { waitFor } from '../support/wait';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

const SHEET = ['Pay', 'Cancel', 'Fail', 'Processing', 'Network error', 'Unknown'];
const SETTLE = /^\/api\/sandbox\/orders\/M[0-9a-f]+\/settle$/;

let shop: Shop;
beforeEach(async () => {
  shop = await Shop.open({ mode: 'sandbox' });
});
afterEach(() => shop.close());

const CLOSE = 'close the sheet';

/** The shopper's picks in the sheet, in order (CLOSE closes it without a pick). */
function picks(...labels: string[]): void {
  shop.rt.fake.actionSheet = (items) => {
    const label = labels.shift();
    if (label === undefined) throw new Error('the sheet opened once more than the test expected');
    return label === CLOSE ? -1 : items.indexOf(label);
  };
}

const sheetsShown = () => shop.rt.fake.callsTo('showActionSheet').map((call) => call.items);

const settleActions = () =>
  shop.rt.fake.requests.filter((r) => r.method === 'POST' && SETTLE.test(r.path)).map((r) => (r.body as { action: string }).action);

it.each<[string, string, string, 'notify' | 'query']>([
  ['Pay', 'pay', '9000', 'notify'],
  ['Processing', 'processing', '8000', 'notify'],
  ['Unknown', 'unknown', '6004', 'query'],
])('"%s" (%s) → %s → confirming → paid, the server told by %s', async (label, action, code, source) => {
  picks(label);
  const check = shop.transport.hold('GET', STATUS_CHECK);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  await check.reached;
  const confirming = await shop.until(PAGES.result, (data) => data.state === 'confirming');
  expect(confirming.query).toMatchObject({ code });
  expect(settleActions()).toEqual([action]);

  const [order] = await shop.serverOrders();
  if (source === 'notify') await shop.untilServer(order.merchantReference, 'paid');
  else expect(order.status).toBe('pending');
  check.release();
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  expect(paid.data).toMatchObject({ title: 'Payment successful', message: 'The merchant received NZ$0.01.' });
  expect(await shop.results(order.merchantReference)).toEqual([{ source, status: 'paid', outcome: 'applied' }]);
  expect(await shop.latipayCalls()).toEqual({ create: 1, query: source === 'query' ? 1 : 0, refund: 0 });
  expect(await shop.orderCount()).toBe(1);
  expect(sheetsShown()).toEqual([SHEET]);
  expect(shop.rt.fake.tradePays).toEqual([]);
});

it.each<[string, string | null, string, string]>([
  ['Cancel', 'cancel', 'You cancelled the payment.', 'pending'],
  [CLOSE, null, 'You cancelled the payment.', 'pending'],
  ['Fail', 'fail', 'The payment failed.', 'failed'],
  ['Network error', 'network_error', 'Network error. Check your connection and try again.', 'pending'],
])('"%s" (%s) → the failure page says so; pay again with "Pay" → paid once', async (label, action, reason, status) => {
  picks(label, 'Pay');
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  const failure = await shop.until(PAGES.result, (data) => data.state === 'failure');
  expect(failure.data).toMatchObject({ message: reason, canPayAgain: true });
  const [first] = await shop.serverOrders();
  await shop.untilServer(first.merchantReference, status);
  await waitFor(() => shop.transport.to('GET', STATUS_CHECK).length === 1, { description: 'the quiet check' });

  await shop.rt.tap('onPayAgain');
  await shop.until(PAGES.result, (data) => data.state === 'paid');
  const orders = await shop.serverOrders();
  expect(orders.filter((o) => o.status === 'paid')).toHaveLength(1);
  expect(orders).toHaveLength(status === 'failed' ? 2 : 1);
  expect((await shop.latipayOrders()).filter((o) => o.status === 'paid')).toHaveLength(1);
  expect(settleActions()).toEqual(action === null ? ['pay'] : [action, 'pay']);
  expect(sheetsShown()).toEqual([SHEET, SHEET]);
  expect(shop.rt.fake.tradePays).toEqual([]);
});
