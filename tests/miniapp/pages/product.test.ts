import { createRuntime, FakeBackend } from '../harness';
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

  it('updates the total with the quantity, in cents, within 1 to 99', async () => {
    backend.products[0].price = '0.10';
    const page = await open();
    rt.tap('onQuantityChange', 3);
    expect(page.data).toMatchObject({ quantity: 3, totalText: 'NZ$0.30' });
    rt.tap('onQuantityChange', 500);
    expect(page.data).toMatchObject({ quantity: 99, totalText: 'NZ$9.90' });
    rt.tap('onQuantityChange', 0);
    expect(page.data.quantity).toBe(1);
    rt.tap('onQuantityChange', null);
    expect(page.data.quantity).toBe(1);
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
    expect(order).toMatchObject({ productId: 'pinot', quantity: 2, amount: '240.00' });
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
    expect(rt.fake.callsTo('navigateTo')).toHaveLength(1);
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

  it('back from the result page while it confirms, Pay pays the same order again: no second order', async () => {
    const page = await open();
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(rt.current().data.state).toBe('confirming');
    rt.navigateBack(1);
    expect(rt.current()).toBe(page);

    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toEqual([rt.fake.tradePays[0], rt.fake.tradePays[0]]);
    expect(rt.current().query).toEqual({ ref: order.merchantReference, code: '9000' });
  });

  it('back from a result page that could not confirm a failed order, Pay shows that order again', async () => {
    backend.onRefresh = () => 'failed';
    const page = await open();
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(rt.current().data.state).toBe('unconfirmed');
    rt.navigateBack(1);

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
