import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, DEFAULT_ALIPAY_USER, FakeBackend, ORDERS_PAGE_SIZE, PROJECT_ROOT } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
/** The shopper Alipay says is using the phone (the fake backend's buyer id for them). */
const buyerId = DEFAULT_ALIPAY_USER;

beforeEach(() => {
  backend = new FakeBackend();
  rt = createRuntime({ responder: backend.responder });
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
  it("lists the signed-in shopper's orders, newest first (as the server gives them)", async () => {
    const older = backend.addOrder(buyerId, { createdAt: '2025-01-01T00:00:00.000Z', status: 'paid' });
    const newer = backend.addOrder(buyerId, { createdAt: '2025-02-01T00:00:00.000Z' });
    backend.addOrder('another-buyer');
    const page = await open();
    expect(page.route).toBe('pages/orders/orders');
    const [asked] = backend.requestsTo('GET', '/api/orders');
    expect(asked.header('Authorization')).toBe(`Bearer ${backend.tokensOf(buyerId)[0]}`);
    expect(asked.query).toEqual({});
    expect(page.data.state).toBe('ready');
    const orders = page.data.orders as Array<Record<string, unknown>>;
    expect(orders.map((o) => o.ref)).toEqual([newer.merchantReference, older.merchantReference]);
    expect(orders[1]).toMatchObject({ status: 'paid', amountText: 'NZ$120.00', productName: older.productName, lines: [{ productId: 'pinot', label: 'Pinot Noir, Otago × 1', lineTotalText: 'NZ$120.00' }] });
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

describe('my orders, a page at a time', () => {
  /** `count` orders of the shopper; returns their references newest first (as the list shows them). */
  function ordersOf(count: number): string[] {
    return Array.from({ length: count }, () => backend.addOrder(buyerId).merchantReference).reverse();
  }
  const shownRefs = (page: PageInstance): string[] => (page.data.orders as Array<{ ref: string }>).map((o) => o.ref);
  const listCalls = () => backend.requestsTo('GET', '/api/orders');

  it('shows the first page with "Load more", and the next at the bottom, until there is no more', async () => {
    const refs = ordersOf(2 * ORDERS_PAGE_SIZE + 5);
    const page = await open();
    expect(shownRefs(page)).toEqual(refs.slice(0, ORDERS_PAGE_SIZE));
    expect(page.data).toMatchObject({ nextBefore: refs[ORDERS_PAGE_SIZE - 1], loadingMore: false });

    const loading = rt.reachBottom();
    expect(page.data.loadingMore).toBe(true);
    await loading;
    expect(listCalls()[1].query).toEqual({ before: refs[ORDERS_PAGE_SIZE - 1] });
    expect(shownRefs(page)).toEqual(refs.slice(0, 2 * ORDERS_PAGE_SIZE));

    await rt.tap('onLoadMore');
    expect(shownRefs(page)).toEqual(refs);
    expect(page.data).toMatchObject({ nextBefore: null, loadingMore: false });

    await rt.reachBottom();
    await rt.tap('onLoadMore');
    expect(listCalls()).toHaveLength(3);
    expect(rt.fake.callsTo('getAuthCode')).toHaveLength(1);
  });

  it('asks for the next page once however often the bottom is reached while it loads', async () => {
    ordersOf(ORDERS_PAGE_SIZE + 1);
    const page = await open();
    rt.reachBottom();
    rt.reachBottom();
    rt.tap('onLoadMore');
    await rt.settle();
    expect(listCalls()).toHaveLength(2);
    expect(shownRefs(page)).toHaveLength(ORDERS_PAGE_SIZE + 1);
  });

  it('a page of one order has nothing more to load', async () => {
    ordersOf(1);
    const page = await open();
    expect(page.data.nextBefore).toBeNull();
    await rt.reachBottom();
    expect(listCalls()).toHaveLength(1);
  });

  it('adds an order only once, even when a page repeats one already shown', async () => {
    const refs = ordersOf(ORDERS_PAGE_SIZE + 2);
    const page = await open();
    const repeated = backend.order(refs[ORDERS_PAGE_SIZE - 1]);
    const older = [backend.order(refs[ORDERS_PAGE_SIZE]), backend.order(refs[ORDERS_PAGE_SIZE + 1])];
    backend.once('GET', '/api/orders', { status: 200, body: { orders: [repeated, ...older], nextBefore: null } });
    await rt.reachBottom();
    expect(shownRefs(page)).toEqual(refs);
  });

  it('keeps what is shown when loading more fails, says why in a toast, and loads it on the next try', async () => {
    const refs = ordersOf(ORDERS_PAGE_SIZE + 3);
    const page = await open();
    backend.once('GET', '/api/orders', { networkError: true });
    await rt.reachBottom();
    expect(page.data).toMatchObject({ state: 'ready', loadingMore: false, nextBefore: refs[ORDERS_PAGE_SIZE - 1] });
    expect(shownRefs(page)).toEqual(refs.slice(0, ORDERS_PAGE_SIZE));
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorNetwork, type: 'fail' }]);

    await rt.tap('onLoadMore');
    expect(shownRefs(page)).toEqual(refs);
  });

  it('pull-down reloads the first page only, with new orders on top', async () => {
    const refs = ordersOf(ORDERS_PAGE_SIZE + 3);
    const page = await open();
    await rt.reachBottom();
    expect(page.data.nextBefore).toBeNull();
    const newest = backend.addOrder(buyerId).merchantReference;
    await rt.pullDown();
    expect(listCalls().pop()?.query).toEqual({});
    expect(shownRefs(page)).toEqual([newest, ...refs.slice(0, ORDERS_PAGE_SIZE - 1)]);
    expect(page.data.nextBefore).toBe(refs[ORDERS_PAGE_SIZE - 2]);
    await rt.reachBottom();
    expect(shownRefs(page)).toEqual([newest, ...refs]);
  });

  it('coming back from an order refreshes the first page and keeps the older pages loaded', async () => {
    const refs = ordersOf(ORDERS_PAGE_SIZE + 25);
    const page = await open();
    await rt.reachBottom();
    const nextBefore = page.data.nextBefore;
    expect(shownRefs(page)).toHaveLength(2 * ORDERS_PAGE_SIZE);
    rt.tap('onOrderTap', { currentTarget: { dataset: { ref: refs[0] } } });
    await rt.settle();
    backend.setStatus(refs[0], 'paid');
    const newest = backend.addOrder(buyerId).merchantReference;
    rt.navigateBack(1);
    await rt.settle();
    expect(shownRefs(page)).toEqual([newest, ...refs.slice(0, 2 * ORDERS_PAGE_SIZE)]);
    expect((page.data.orders as Array<{ status: string }>)[1].status).toBe('paid');
    expect(page.data.nextBefore).toBe(nextBefore);
    await rt.reachBottom();
    expect(shownRefs(page)).toEqual([newest, ...refs]);
  });

  it('an older page asked for before a pull-down is not added to the list the pull-down brought', async () => {
    const refs = ordersOf(ORDERS_PAGE_SIZE + 3);
    const page = await open();
    let answerOlderPage: () => void = () => undefined;
    backend.once('GET', '/api/orders', (request) => new Promise((resolve) => {
      answerOlderPage = () => resolve(backend.handle(request));
    }));
    rt.reachBottom();
    await rt.settle();
    await rt.pullDown();
    answerOlderPage();
    await rt.settle();
    expect(shownRefs(page)).toEqual(refs.slice(0, ORDERS_PAGE_SIZE));
    expect(page.data).toMatchObject({ loadingMore: false, nextBefore: refs[ORDERS_PAGE_SIZE - 1] });
  });

  it('shows "Load more" only while there is more', () => {
    const template = fs.readFileSync(path.join(PROJECT_ROOT, 'pages/orders/orders.axml'), 'utf8');
    expect(template).toMatch(/<view a:if="\{\{nextBefore\}\}"[^>]*>\s*<ant-button[^>]*onTap="onLoadMore"/);
  });
});
