import { createRuntime, FakeBackend } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
let buyerId: string;

beforeEach(() => {
  backend = new FakeBackend();
  buyerId = 'buyer-0000-0001';
  rt = createRuntime({ responder: backend.responder, storage: { buyerId } });
});
afterEach(() => rt.dispose());

async function open(): Promise<PageInstance> {
  rt.launch();
  await rt.settle();
  rt.tap('onMyOrders');
  await rt.settle();
  return rt.current();
}

describe('my orders', () => {
  it("lists the buyer's orders, newest first, by the buyer id in storage", async () => {
    const older = backend.addOrder(buyerId, { createdAt: '2025-01-01T00:00:00.000Z', status: 'paid' });
    const newer = backend.addOrder(buyerId, { createdAt: '2025-02-01T00:00:00.000Z' });
    backend.addOrder('another-buyer');
    const page = await open();
    expect(page.route).toBe('pages/orders/orders');
    expect(backend.requestsTo('GET', '/api/orders')[0].header('X-Buyer-Id')).toBe(buyerId);
    expect(page.data.state).toBe('ready');
    const orders = page.data.orders as Array<Record<string, unknown>>;
    expect(orders.map((o) => o.ref)).toEqual([newer.merchantReference, older.merchantReference]);
    expect(orders[1]).toMatchObject({ status: 'paid', amountText: 'NZ$120.00', productName: older.productName, quantity: 1 });
    expect(rt.fake.callsTo('setNavigationBar').pop()).toEqual({ title: en.ordersTitle });
  });

  it('shows an empty state with a way back to the shop', async () => {
    const page = await open();
    expect(page.data.state).toBe('empty');
    rt.tap('onBackToShop');
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index']);
  });

  it('shows the error and retries', async () => {
    backend.once('GET', '/api/orders', { status: 500, body: { error: { code: 'internal_error', message: 'x' } } });
    const page = await open();
    expect(page.data).toMatchObject({ state: 'error', errorText: 'Something went wrong (internal_error). Please try again later.' });
    backend.addOrder(buyerId);
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data.state).toBe('ready');
  });

  it('opens the order tapped', async () => {
    const order = backend.addOrder(buyerId);
    await open();
    rt.tap('onOrderTap', { currentTarget: { dataset: { ref: order.merchantReference } } });
    await rt.settle();
    expect(rt.current().route).toBe('pages/order/order');
    expect(rt.current().query).toEqual({ ref: order.merchantReference });
  });

  it('ignores a tap without a reference', async () => {
    await open();
    rt.tap('onOrderTap', {});
    rt.tap('onOrderTap', { currentTarget: { dataset: {} } });
    await rt.settle();
    expect(rt.fake.callsTo('navigateTo')).toHaveLength(1);
  });

  it('reloads when shown again, and on pull-down', async () => {
    const order = backend.addOrder(buyerId);
    const page = await open();
    rt.tap('onOrderTap', { currentTarget: { dataset: { ref: order.merchantReference } } });
    await rt.settle();
    backend.setStatus(order.merchantReference, 'paid');
    rt.navigateBack(1);
    await rt.settle();
    expect((page.data.orders as Array<{ status: string }>)[0].status).toBe('paid');

    backend.addOrder(buyerId);
    const pulled = rt.pullDown();
    expect(page.data.state).toBe('ready'); // the list stays while it refreshes
    await pulled;
    expect((page.data.orders as unknown[]).length).toBe(2);
    expect(rt.fake.callsTo('stopPullDownRefresh')).toHaveLength(1);
    expect(rt.fake.pullRefreshing).toBe(false);
  });

  it('keeps its list when a refresh fails, says why in a toast, and stops the pull-down indicator', async () => {
    backend.addOrder(buyerId);
    const page = await open();
    const shown = page.data.orders;
    backend.once('GET', '/api/orders', { networkError: true });
    await rt.pullDown();
    expect(page.data).toMatchObject({ state: 'ready', orders: shown, errorText: '' });
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorNetwork, type: 'fail' }]);
    expect(rt.fake.pullRefreshing).toBe(false);

    backend.once('GET', '/api/orders', { status: 500, body: { error: { code: 'internal_error', message: 'x' } } });
    rt.background();
    rt.foreground(); // onShow reloads
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'ready', orders: shown });
    expect(rt.fake.callsTo('showToast')).toHaveLength(2);
  });

  it('keeps an empty list empty (not an error page) when a refresh fails', async () => {
    const page = await open();
    backend.once('GET', '/api/orders', { networkError: true, error: 11 });
    await rt.pullDown();
    expect(page.data.state).toBe('empty');
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorDomainNotAllowed.replace('{code}', '11'), type: 'fail' }]);
  });

  it('a first load that fails pulled down again shows the error page until it works', async () => {
    backend.once('GET', '/api/orders', { networkError: true });
    const page = await open();
    expect(page.data.state).toBe('error');
    backend.once('GET', '/api/orders', { networkError: true });
    await rt.pullDown();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorNetwork });
    expect(rt.fake.callsTo('showToast')).toEqual([]);
    expect(rt.fake.pullRefreshing).toBe(false);
    await rt.pullDown();
    expect(page.data.state).toBe('empty');
  });
});
