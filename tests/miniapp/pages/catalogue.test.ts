import { createRuntime, FakeBackend } from '../harness';
import type { MiniRuntime } from '../harness';
import { en } from '../../../utils/strings-en';
import { zhCN } from '../../../utils/strings-zh';

let rt: MiniRuntime;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
});
afterEach(() => rt.dispose());

function start(language = 'en'): MiniRuntime {
  rt = createRuntime({ language, responder: backend.responder });
  return rt;
}

describe('catalogue (home)', () => {
  it('is the first page; loads the products, with a loading state first', async () => {
    start();
    const page = rt.launch();
    expect(page.route).toBe('pages/index/index');
    expect(page.data.state).toBe('loading');
    await rt.settle();
    expect(page.data.state).toBe('ready');
    expect(page.data.products).toEqual(backend.products);
    expect(rt.fake.callsTo('setNavigationBar')).toEqual([{ title: en.shopTitle }]);
  });

  it('signs in silently at launch; the products are asked for without the session', async () => {
    start();
    const page = rt.launch();
    await rt.settle();
    expect(rt.fake.callsTo('getAuthCode')).toEqual([{ scopes: 'auth_base' }]);
    expect(backend.requestsTo('POST', '/api/session').map((r) => r.body)).toEqual([{ authCode: rt.fake.authCodes[0] }]);
    expect(backend.requestsTo('GET', '/api/products')[0].header('Authorization')).toBeUndefined();
    expect(page.data).toMatchObject({ state: 'ready', signInText: '', signingIn: false });
  });

  it('shows an empty state', async () => {
    backend.products = [];
    start();
    const page = rt.launch();
    await rt.settle();
    expect(page.data.state).toBe('empty');
  });

  it('shows the error and recovers on retry', async () => {
    backend.once('GET', '/api/products', { networkError: true });
    start();
    const page = rt.launch();
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorNetwork });
    rt.tap('onRetry');
    expect(page.data.state).toBe('loading');
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'ready', errorText: '' });
  });

  it('treats a malformed answer as an error', async () => {
    backend.once('GET', '/api/products', { status: 200, body: { products: 'nope' } });
    start();
    const page = rt.launch();
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorMalformed });
  });

  it('opens the product tapped, and My orders', async () => {
    start();
    rt.launch();
    await rt.settle();
    rt.tap('onProductSelect', 'ticket');
    await rt.settle();
    expect(rt.current().route).toBe('pages/product/product');
    expect(rt.current().query).toEqual({ id: 'ticket' });
    rt.navigateBack(1);
    rt.tap('onMyOrders');
    await rt.settle();
    expect(rt.current().route).toBe('pages/orders/orders');
  });

  it('refreshes on pull-down, and stops the indicator', async () => {
    start();
    const page = rt.launch();
    await rt.settle();
    backend.products = backend.products.slice(0, 1);
    const pulled = rt.pullDown();
    expect(page.data.state).toBe('ready'); // the products stay while it refreshes
    await pulled;
    expect(page.data.products).toEqual(backend.products);
    expect(rt.fake.callsTo('stopPullDownRefresh')).toHaveLength(1);
    expect(rt.fake.pullRefreshing).toBe(false);
  });

  it('keeps its products when a refresh fails, says why in a toast, and stops the indicator', async () => {
    start();
    const page = rt.launch();
    await rt.settle();
    backend.once('GET', '/api/products', { networkError: true, error: 20 });
    await rt.pullDown();
    expect(page.data).toMatchObject({ state: 'ready', products: backend.products, errorText: '' });
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorRequestStopped, type: 'fail' }]);
    expect(rt.fake.pullRefreshing).toBe(false);
  });

  it('says what to check when the domain is not whitelisted (error 11), not "network problem"', async () => {
    backend.once('GET', '/api/products', { networkError: true, error: 11 });
    start();
    const page = rt.launch();
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorDomainNotAllowed.replace('{code}', '11') });
    expect(page.data.errorText).not.toBe(en.errorNetwork);
  });

  it('speaks Chinese on a Chinese phone', async () => {
    start('zh-Hans');
    const page = rt.launch();
    await rt.settle();
    expect(page.data.s).toEqual(zhCN);
    expect(rt.fake.callsTo('setNavigationBar')).toEqual([{ title: zhCN.shopTitle }]);
  });
});
