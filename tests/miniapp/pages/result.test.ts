import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, DEFAULT_ALIPAY_USER, FakeBackend, PROJECT_ROOT } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import type { Order } from '../../../server/contract';
import { CONFIRM_DELAYS_MS, CONFIRM_WINDOW_MS } from '../../../utils/confirm';
import { CASHIER_NOT_RUN, mapResultCode } from '../../../utils/result-code';
import { en } from '../../../utils/strings-en';
import { zhCN } from '../../../utils/strings-zh';

let rt: MiniRuntime;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
});
afterEach(() => rt.dispose());

function start(language = 'en'): void {
  rt = createRuntime({ language, responder: backend.responder });
}

/** Buys through the product page with the cashier answering `code`; returns the order. */
async function buy(code: string | number): Promise<Order> {
  rt.fake.cashier = () => ({ resultCode: code });
  rt.launch('/pages/product/product?id=pinot');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
  return backend.createdOrders[backend.createdOrders.length - 1];
}

async function openResult(query: string): Promise<PageInstance> {
  const page = rt.launch(`/pages/result/result?${query}`);
  await rt.settle();
  return page;
}

function refreshes(ref: string): number {
  return backend.requestsTo('GET', `/api/orders/${ref}`).filter((r) => r.query.refresh === 'true').length;
}

describe('success (9000)', () => {
  it('confirms with the server before saying paid, and shows the amount the server recorded', async () => {
    start();
    backend.onRefresh = (order) => {
      order.amount = '119.99'; // whatever the server says is what the shopper sees
      return 'paid';
    };
    const order = await buy(9000);
    const page = rt.current();
    expect(page.route).toBe('pages/result/result');
    expect(refreshes(order.merchantReference)).toBe(1);
    expect(page.data).toMatchObject({
      state: 'paid',
      resultType: 'success',
      title: en.paidTitle,
      message: 'The merchant received NZ$119.99.',
      amountText: 'NZ$119.99',
      productName: 'Pinot Noir, Otago',
    });
  });

  it('9000 is not proof: while the server still says pending, the page keeps confirming', async () => {
    start();
    backend.onRefresh = (_order, count) => (count >= 3 ? 'paid' : undefined);
    const order = await buy('9000');
    const page = rt.current();
    expect(page.data).toMatchObject({ state: 'confirming', resultType: 'wait', title: en.confirmingTitle });
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1]);
    expect(page.data.state).toBe('confirming');
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[2]);
    expect(page.data.state).toBe('paid');
    expect(refreshes(order.merchantReference)).toBe(3);
  });

  it('forgets the stored payment data once paid', async () => {
    start();
    backend.onRefresh = () => 'paid';
    const order = await buy(9000);
    expect(rt.fake.stored('pendingPayments')).toEqual({});
    expect(order.status).toBe('paid');
  });
});

describe.each([8000, '8000', 6004, '6004'])('unknown result (%p)', (code) => {
  it('polls the server and lands on paid', async () => {
    start();
    backend.onRefresh = (_o, count) => (count === 2 ? 'paid' : undefined);
    await buy(code);
    expect(rt.current().data.state).toBe('confirming');
    expect(rt.current().data.message).toBe(en.confirmingMessage);
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1]);
    expect(rt.current().data.state).toBe('paid');
  });

  it('the server saying failed is not final: "not confirmed, see My orders", never pay again', async () => {
    start();
    backend.onRefresh = () => 'failed';
    await buy(code);
    const page = rt.current();
    expect(page.data).toMatchObject({ state: 'unconfirmed', title: en.notConfirmedTitle, message: en.notConfirmedMessage, canPayAgain: false });
    expect(String(page.data.message)).not.toMatch(/nothing was charged/i);

    // A late payment: Latipay reports it, and checking again shows it paid.
    backend.onRefresh = () => 'paid';
    rt.tap('onCheckAgain');
    await rt.settle();
    expect(page.data.state).toBe('paid');
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toHaveLength(1);
  });
});

describe('still unknown after about a minute', () => {
  it('says it is still being confirmed and points to My orders', async () => {
    start();
    const order = await buy(8000);
    const page = rt.current();
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS);
    expect(page.data).toMatchObject({ state: 'unconfirmed', title: en.unconfirmedTitle, message: en.unconfirmedMessage });
    expect(refreshes(order.merchantReference)).toBeGreaterThan(5);
    expect(jest.getTimerCount()).toBe(0);

    rt.tap('onMyOrders');
    await rt.settle();
    expect(rt.current().route).toBe('pages/orders/orders');
  });

  it('with a backend that never answers, confirming still ends when the window closes', async () => {
    start();
    // The shopper who just paid is signed in; then the backend stops answering.
    rt.fake.responder = (request) => (request.path === '/api/session' ? backend.responder(request) : { hang: true });
    const page = await openResult('ref=M000001&code=9000');
    expect(page.data.state).toBe('confirming');
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS - 1);
    expect(page.data.state).toBe('confirming');
    await jest.advanceTimersByTimeAsync(1);
    expect(page.data).toMatchObject({ state: 'unconfirmed', title: en.unconfirmedTitle });
  });

  it('with a backend that does not even answer the sign-in, confirming ends by the time the window closes', async () => {
    start();
    rt.fake.responder = () => ({ hang: true });
    const page = await openResult('ref=M000001&code=9000');
    expect(page.data.state).toBe('confirming');
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS);
    expect(page.data).toMatchObject({ state: 'unconfirmed', title: en.unconfirmedTitle });
  });

  it('My orders can be opened while confirming', async () => {
    const template = fs.readFileSync(path.join(PROJECT_ROOT, 'pages/result/result.axml'), 'utf8');
    const confirmingBlock = /<block a:(?:el)?if="\{\{state === 'confirming'\}\}">([\s\S]*?)<\/block>/.exec(template);
    expect(confirmingBlock?.[1]).toContain('onTap="onMyOrders"');
    start();
    await buy(8000);
    const page = rt.current();
    expect(page.data.state).toBe('confirming');
    rt.tap('onMyOrders');
    await rt.settle();
    expect(rt.current().route).toBe('pages/orders/orders');
    expect(rt.isUnloaded(page)).toBe(false);
  });

  it('keeps polling through failed checks', async () => {
    start();
    const order = await buy(8000);
    backend.once('GET', `/api/orders/${order.merchantReference}`, { networkError: true });
    backend.onRefresh = () => 'paid';
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1] + CONFIRM_DELAYS_MS[2]);
    expect(rt.current().data.state).toBe('paid');
  });

  it('"check again" starts confirming anew', async () => {
    start();
    await buy(6004);
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS);
    const page = rt.current();
    expect(page.data.state).toBe('unconfirmed');
    backend.onRefresh = () => 'paid';
    rt.tap('onCheckAgain');
    expect(page.data.state).toBe('confirming');
    await rt.settle();
    expect(page.data.state).toBe('paid');
  });
});

describe.each([
  [6001, 'cancelled'],
  ['6001', 'cancelled'],
  [99, 'cancelled'],
  ['99', 'cancelled'],
  [6002, 'network_error'],
  ['6002', 'network_error'],
  [4000, 'failed'],
  ['4000', 'failed'],
  [4, 'failed'],
  ['4', 'failed'],
  [1234, 'failed'],
  [CASHIER_NOT_RUN, 'not_run'],
] as Array<[string | number, string]>)('failure (%p, %s)', (code, outcome) => {
  it("explains it in the shopper's words and offers to pay again or go back", async () => {
    expect(mapResultCode(code).outcome).toBe(outcome);
    start();
    await buy(code);
    const page = rt.current();
    expect(page.data).toMatchObject({
      state: 'failure',
      resultType: 'error',
      title: en.failureTitle,
      message: mapResultCode(code).message.en,
      canPayAgain: true,
    });
  });

  it('in Chinese on a Chinese phone', async () => {
    start('zh-Hans');
    await buy(code);
    expect(rt.current().data).toMatchObject({ title: zhCN.failureTitle, message: mapResultCode(code).message['zh-CN'] });
  });
});

describe('failure page', () => {
  it('a cashier that could not run (my.tradePay fail, error 4) says so, never "(code fail)" or the resultCode mapping', async () => {
    start();
    rt.launch('/pages/product/product?id=pinot');
    await rt.settle();
    rt.fake.cashier = () => ({ fail: { error: 4, errorMessage: 'no permission' } });
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data).toMatchObject({
      state: 'failure',
      message: "Alipay's cashier could not be opened. Please try again.",
      canPayAgain: true,
    });
    expect(rt.current().query).toMatchObject({ code: CASHIER_NOT_RUN });
  });


  it('turns to paid when the quiet server check finds the payment after all', async () => {
    start();
    backend.onRefresh = () => 'paid';
    await buy(6002);
    expect(rt.current().data.state).toBe('paid');
  });

  it('pays again for the same order: same orderStr, no second order', async () => {
    start();
    const order = await buy(6001);
    const failure = rt.current();
    rt.fake.cashier = () => ({ resultCode: '9000' });
    // Latipay sees the payment once the second cashier has run.
    backend.onRefresh = () => (rt.fake.tradePays.length >= 2 ? 'paid' : undefined);
    await rt.tap('onPayAgain');
    await rt.settle();
    expect(rt.fake.tradePays).toHaveLength(2);
    expect(rt.fake.tradePays[1]).toBe(rt.fake.tradePays[0]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.isUnloaded(failure)).toBe(true);
    // The product page made way for the first result page, which makes way for the second.
    expect(rt.fake.callsTo('redirectTo')).toEqual([
      { url: `/pages/result/result?ref=${order.merchantReference}&code=6001` },
      { url: `/pages/result/result?ref=${order.merchantReference}&code=9000` },
    ]);
    expect(rt.current().data).toMatchObject({ state: 'paid', ref: order.merchantReference });
  });

  it('pays again with a new order only when the server says the old one failed', async () => {
    start();
    backend.onRefresh = () => 'failed';
    await buy(4000);
    const [first] = backend.createdOrders;
    rt.fake.cashier = () => ({ resultCode: '6001' });
    backend.onRefresh = null;
    await rt.tap('onPayAgain');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(2);
    const second = backend.createdOrders[1];
    expect(second.merchantReference).not.toBe(first.merchantReference);
    expect(rt.current().query).toEqual({ ref: second.merchantReference, code: '6001' });
  });

  it('pays nothing when the order turned out to be paid, and shows it', async () => {
    start();
    const order = await buy(6001);
    backend.setStatus(order.merchantReference, 'paid');
    await rt.tap('onPayAgain');
    await rt.settle();
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(rt.current().query).toEqual({ ref: order.merchantReference });
    expect(rt.current().data.state).toBe('paid');
  });

  it('a double tap on "pay again" pays once', async () => {
    start();
    await buy(6001);
    rt.fake.cashier = () => ({ resultCode: '6001' });
    rt.tap('onPayAgain');
    rt.tap('onPayAgain');
    await rt.settle();
    expect(rt.fake.tradePays).toHaveLength(2);
  });

  it('says why it cannot pay, and stays', async () => {
    start();
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const page = await openResult(`ref=${order.merchantReference}&code=6001`);
    await rt.tap('onPayAgain');
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.payElsewhere, type: 'fail' }]);
    expect(rt.current()).toBe(page);
    expect(page.data.paying).toBe(false);
    expect(rt.fake.tradePays).toEqual([]);
  });

  it('goes back to where the shopper came from before the product page (which it replaced)', async () => {
    start();
    rt.fake.cashier = () => ({ resultCode: '6001' });
    rt.launch();
    await rt.settle();
    rt.tap('onProductSelect', 'pinot');
    await rt.settle();
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index', 'pages/result/result']);
    rt.tap('onBack');
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index']);
  });
});

describe('result page', () => {
  it('without an order to show', async () => {
    start();
    const page = await openResult('code=9000');
    expect(page.data).toMatchObject({ state: 'invalid', message: en.missingOrderMessage });
    expect(backend.received.map((r) => r.path)).toEqual(['/api/session']); // only the sign-in at launch
    rt.tap('onBackToShop');
    await rt.settle();
    expect(rt.current().route).toBe('pages/index/index');
  });

  it('without a code it only confirms (an order found paid)', async () => {
    start();
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, { status: 'paid' });
    const page = await openResult(`ref=${order.merchantReference}`);
    expect(page.data.state).toBe('paid');
  });

  it('stops polling when the shopper leaves', async () => {
    start();
    const order = await buy(8000);
    const before = refreshes(order.merchantReference);
    rt.reLaunch('/pages/index/index');
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS);
    expect(refreshes(order.merchantReference)).toBe(before);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('opens the order and goes back to the shop from the paid state', async () => {
    start();
    backend.onRefresh = () => 'paid';
    const order = await buy(9000);
    rt.tap('onViewOrder');
    await rt.settle();
    expect(rt.current().route).toBe('pages/order/order');
    expect(rt.current().query).toEqual({ ref: order.merchantReference });
    rt.tap('onBackToShop', {}, rt.stack[rt.stack.length - 2]);
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index']);
  });
});
