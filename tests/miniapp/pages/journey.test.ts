// Whole shopper journeys through the pages, against the documented backend and cashier.
import { createRuntime, FakeBackend } from '../harness';
import type { MiniRuntime } from '../harness';

let rt: MiniRuntime;
let backend: FakeBackend;
/** What the cashier really charged, by Latipay order id. */
let charged: string[];

beforeEach(() => {
  backend = new FakeBackend();
  charged = [];
  rt = createRuntime({ responder: backend.responder });
  // Latipay learns of a payment when the shopper pays at the cashier.
  backend.onRefresh = (order) => (charged.includes(order.latipayOrderId ?? '') ? 'paid' : undefined);
});
afterEach(() => rt.dispose());

function cashierAnswers(...codes: string[]): void {
  rt.fake.cashier = (orderStr) => {
    const code = codes.shift() ?? '6001';
    if (code === '9000' || code === '6002-after-paying') {
      charged.push(/out_trade_no=([^&]+)/.exec(orderStr)?.[1] ?? '');
    }
    return { resultCode: code === '6002-after-paying' ? '6002' : code };
  };
}

it('cancel at the cashier, pay again, see it paid, find it in My orders', async () => {
  cashierAnswers('6001', '9000');
  rt.launch();
  await rt.settle();
  rt.tap('onProductSelect', 'ticket');
  await rt.settle();
  rt.tap('onQuantityChange', 3);
  await rt.tap('onPay');
  await rt.settle();

  expect(rt.current().data).toMatchObject({ state: 'failure', message: 'You cancelled the payment.' });
  await rt.tap('onPayAgain');
  await rt.settle();
  expect(rt.current().data).toMatchObject({ state: 'paid', amountText: 'NZ$0.03' });
  expect(backend.createdOrders).toHaveLength(1);
  expect(charged).toHaveLength(1);

  rt.tap('onViewOrder');
  await rt.settle();
  expect(rt.current().data).toMatchObject({ state: 'ready', canPay: false, order: { status: 'paid', amountText: 'NZ$0.03' } });

  rt.reLaunch('/pages/index/index');
  rt.tap('onMyOrders');
  await rt.settle();
  expect(rt.current().data.orders).toEqual([expect.objectContaining({ status: 'paid', lines: [expect.objectContaining({ label: 'Ticket × 3' })] })]);
  expect(rt.stack.length).toBeLessThanOrEqual(10);
});

it('a network error after the money moved is never paid twice', async () => {
  cashierAnswers('6002-after-paying', '9000');
  rt.launch('/pages/product/product?id=pinot');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
  // The quiet check on the failure page finds the payment.
  expect(rt.current().data.state).toBe('paid');
  expect(charged).toHaveLength(1);
  expect(rt.fake.tradePays).toHaveLength(1);
});

it('even if the shopper taps "pay again" before the quiet check answers', async () => {
  cashierAnswers('6002-after-paying', '9000');
  let firstCheck = true;
  backend.once('GET', /^\/api\/orders\//, () => {
    firstCheck = false;
    return { hang: true };
  });
  rt.launch('/pages/product/product?id=pinot');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
  expect(firstCheck).toBe(false);
  await rt.tap('onPayAgain');
  await rt.settle();
  expect(charged).toHaveLength(1);
  expect(rt.fake.tradePays).toHaveLength(1);
  expect(rt.current().data.state).toBe('paid');
});

it('an order that failed at Latipay is replaced by a new one, and only that one is paid', async () => {
  cashierAnswers('4000', '9000');
  rt.launch('/pages/product/product?id=pinot');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
  backend.setStatus(backend.createdOrders[0].merchantReference, 'failed');
  await rt.tap('onPayAgain');
  await rt.settle();
  expect(backend.createdOrders.map((o) => o.status)).toEqual(['failed', 'paid']);
  expect(charged).toEqual([backend.createdOrders[1].latipayOrderId]);
  expect(rt.current().data.state).toBe('paid');
});
