import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, FakeBackend, PROJECT_ROOT } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
  rt = createRuntime({ responder: backend.responder });
});
afterEach(() => rt.dispose());

async function open(id = 'pinot'): Promise<PageInstance> {
  const page = rt.launch(`/pages/product/product?id=${id}`);
  await rt.settle();
  return page;
}

function keysSent(): Array<string | undefined> {
  return backend.requestsTo('POST', '/api/orders').map((r) => r.header('Idempotency-Key'));
}

describe('product page', () => {
  it('shows the product and the total for one', async () => {
    const page = await open();
    expect(page.data).toMatchObject({ state: 'ready', product: backend.products[0], quantity: 1, totalText: 'NZ$120.00' });
    expect(rt.fake.callsTo('setNavigationBar')).toEqual([{ title: en.productTitle }]);
  });

  it('says near the price that Alipay shows the charge in CNY at its own rate', async () => {
    const page = await open();
    expect(page.data.chargeNote).toBe(
      'Prices are in NZD. Alipay shows the charge in CNY (¥), converted at its own exchange rate.',
    );
    rt.dispose();
    rt = createRuntime({ responder: backend.responder, language: 'zh-Hans' });
    expect((await open()).data.chargeNote).toBe('价格以 NZD 计。支付宝会按其自己的汇率折算，以人民币（¥）显示扣款金额。');
  });

  it('says nothing about conversion for prices in CNY', async () => {
    backend.products[0].currency = 'CNY';
    expect((await open()).data.chargeNote).toBe('');
  });

  it('updates the total with the quantity, in cents, within 1 to 99', async () => {
    backend.products[0].price = '0.10';
    const page = await open();
    rt.tap('onQuantityChange', 3);
    expect(page.data).toMatchObject({ quantity: 3, totalText: 'NZ$0.30' });
    rt.tap('onQuantityChange', 500);
    expect(page.data).toMatchObject({ quantity: 99, totalText: 'NZ$9.90' });
    rt.tap('onQuantityChange', 0);
    expect(page.data).toMatchObject({ quantity: 1, totalText: 'NZ$0.10' });
  });

  it.each([
    ['cleared (the stepper reports null)', null],
    ['not a whole number', 2.5],
    ['not a number', Number.NaN],
  ])('an input %s is no quantity: no total, Pay waits until a valid one is entered', async (_label, value) => {
    const page = await open();
    rt.tap('onQuantityChange', 3);
    rt.tap('onQuantityChange', value);
    expect(page.data).toMatchObject({ quantity: null, totalText: '' });
    await rt.tap('onPay');
    expect(backend.requestsTo('POST', '/api/orders')).toEqual([]);
    expect(page.data.paying).toBe(false);

    rt.tap('onQuantityChange', 4);
    expect(page.data).toMatchObject({ quantity: 4, totalText: 'NZ$480.00' });
    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders.map((o) => o.items.map((i) => i.quantity))).toEqual([[4]]);
  });

  it('the template disables Pay and shows a hint instead of the total while there is no quantity', () => {
    const axml = fs.readFileSync(path.join(PROJECT_ROOT, 'pages/product/product.axml'), 'utf8');
    expect(axml).toMatch(/<ant-button[^>]*disabled="\{\{paying \|\| quantity === null\}\}"[^>]*onTap="onPay"/);
    expect(axml).toMatch(/a:if="\{\{quantity === null\}\}"[^>]*>\{\{s\.quantityHint\}\}/);
  });

  it('says so for an unknown product or no id', async () => {
    expect((await open('nope')).data.state).toBe('missing');
    rt.reLaunch('/pages/product/product');
    await rt.settle();
    expect(rt.current().data.state).toBe('missing');
  });

  it('shows a load error and retries', async () => {
    backend.once('GET', '/api/products', { timeout: true });
    const page = rt.launch('/pages/product/product?id=pinot');
    await jest.advanceTimersByTimeAsync(15000);
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorTimeout });
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data.state).toBe('ready');
  });

  it('pays: creates the order for the quantity, opens the cashier, goes to the result page', async () => {
    const page = await open();
    rt.tap('onQuantityChange', 2);
    const paying = rt.tap('onPay') as Promise<void>;
    expect(page.data.paying).toBe(true);
    await paying;
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(order).toMatchObject({ items: [{ productId: 'pinot', quantity: 2 }], amount: '240.00' });
    expect(backend.requestsTo('POST', '/api/orders')[0].body).toEqual({ items: [{ productId: 'pinot', quantity: 2 }] });
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(rt.fake.tradePays[0]).toContain(`out_trade_no=${order.latipayOrderId}`);
    expect(page.data.paying).toBe(false);
    expect(rt.current().route).toBe('pages/result/result');
    expect(rt.current().query).toEqual({ ref: order.merchantReference, code: '9000' });
  });

  it('a double tap on Pay starts one payment', async () => {
    await open();
    rt.tap('onPay');
    rt.tap('onPay');
    rt.tap('onPay');
    await rt.settle();
    expect(backend.requestsTo('POST', '/api/orders')).toHaveLength(1);
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(rt.fake.callsTo('redirectTo')).toHaveLength(1);
  });

  it('the result page replaces the product page: Back does not land on Pay again', async () => {
    rt.launch();
    await rt.settle();
    rt.tap('onProductSelect', 'pinot');
    await rt.settle();
    const product = rt.current();
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.fake.callsTo('redirectTo')).toEqual([{ url: expect.stringMatching(/^\/pages\/result\/result\?ref=M/) }]);
    expect(rt.isUnloaded(product)).toBe(true);
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index', 'pages/result/result']);
    rt.navigateBack(1);
    expect(rt.current().route).toBe('pages/index/index');
  });

  it('ignores quantity changes while paying', async () => {
    const page = await open();
    rt.tap('onPay');
    rt.tap('onQuantityChange', 5);
    expect(page.data.quantity).toBe(1);
    await rt.settle();
  });

  it('a failed create shows why, and the retry reuses the Idempotency-Key', async () => {
    backend.once('POST', '/api/orders', { networkError: true });
    const page = await open();
    await rt.tap('onPay');
    expect(page.data).toMatchObject({ paying: false, payError: en.errorNetwork });
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorNetwork, type: 'fail' }]);
    expect(rt.fake.tradePays).toEqual([]);
    expect(rt.current()).toBe(page);

    await rt.tap('onPay');
    await rt.settle();
    expect(keysSent()).toHaveLength(2);
    expect(keysSent()[0]).toBe(keysSent()[1]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.current().route).toBe('pages/result/result');
  });

  it('a server refusal is explained in the shopper\'s words', async () => {
    backend.once('POST', '/api/orders', { status: 503, body: { error: { code: 'latipay_unavailable', message: 'Latipay down' } } });
    const page = await open();
    await rt.tap('onPay');
    expect(page.data.payError).toBe(en.errorPaymentService);
  });

  it('back from the result page while it confirms, Pay on the product again pays the same order: no second order', async () => {
    await open();
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(rt.current().data.state).toBe('confirming');
    await open();

    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toEqual([rt.fake.tradePays[0], rt.fake.tradePays[0]]);
    expect(rt.current().query).toEqual({ ref: order.merchantReference, code: '9000' });
  });

  it('back from a result page that could not confirm a failed order, Pay shows that order again', async () => {
    backend.onRefresh = () => 'failed';
    await open();
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(rt.current().data.state).toBe('unconfirmed');
    await open();
    const page = rt.current();

    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(rt.current()).not.toBe(page);
    expect(rt.current().query).toEqual({ ref: order.merchantReference });
    expect(rt.current().data.state).toBe('unconfirmed');
  });

  it('leaving the page while the order is created never opens the cashier', async () => {
    let release: (() => void) | undefined;
    backend.once('POST', '/api/orders', (request) => new Promise((resolve) => (release = () => resolve(backend.handle(request)))));
    const page = await open();
    rt.tap('onPay');
    await rt.settle();
    expect(release).toBeDefined();
    rt.reLaunch('/pages/index/index');
    expect(rt.isUnloaded(page)).toBe(true);
    (release as () => void)();
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toEqual([]);
    expect(rt.current().route).toBe('pages/index/index');
  });
});
