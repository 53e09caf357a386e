// Signed-in shoppers through the pages: the silent Alipay sign-in at launch, the token on every
// buyer call, a re-login after a 401, what a page says when signing in fails, the sandbox
// fallback of a develop build, and the token across restarts (never in the console).
import { AUTH_CODE_FAILURE, createRuntime, DEFAULT_ALIPAY_USER, FakeBackend, SESSION_TTL_MS } from '../harness';
import type { FakeRequest, MiniRuntime, RuntimeOptions } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend();
});
afterEach(() => rt.dispose());

function start(options: RuntimeOptions = {}): MiniRuntime {
  rt = createRuntime({ responder: backend.responder, ...options });
  return rt;
}

/** The app closed and opened again on the same phone: a new runtime with the storage it left. */
function restart(options: RuntimeOptions = {}): MiniRuntime {
  const storage = rt.fake.storageSnapshot();
  rt.dispose();
  return start({ ...options, storage });
}

const authCodeCalls = (): number => rt.fake.callsTo('getAuthCode').length;
const isBuyerCall = (r: FakeRequest): boolean => /^\/api\/(orders|sandbox)/.test(r.path);

async function openMyOrders() {
  rt.tap('onMyOrders');
  await rt.settle();
  return rt.current();
}

describe('signing in at launch', () => {
  it('signs in once, silently, at launch; showing pages again never asks Alipay', async () => {
    start();
    rt.launch();
    await rt.settle();
    expect(rt.fake.callsTo('getAuthCode')).toEqual([{ scopes: 'auth_base' }]);
    rt.background();
    rt.foreground();
    await openMyOrders();
    rt.navigateBack(1);
    rt.background();
    rt.foreground();
    await rt.settle();
    expect(authCodeCalls()).toBe(1);
    expect(backend.requestsTo('POST', '/api/session')).toHaveLength(1);
  });

  it('sends the token on every buyer call of a whole purchase, and never on the products', async () => {
    start();
    rt.fake.cashier = () => ({ resultCode: '9000' });
    backend.onRefresh = () => 'paid';
    rt.launch();
    await rt.settle();
    rt.tap('onProductSelect', 'ticket');
    await rt.settle();
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data.state).toBe('paid');
    rt.tap('onViewOrder');
    await rt.settle();
    rt.reLaunch('/pages/index/index');
    await openMyOrders();

    const [token] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    const buyerCalls = backend.received.filter(isBuyerCall);
    expect(buyerCalls.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /api/orders', 'GET /api/orders', `GET /api/orders/${backend.createdOrders[0].merchantReference}`]),
    );
    expect(new Set(buyerCalls.map((r) => r.header('Authorization')))).toEqual(new Set([`Bearer ${token}`]));
    expect(buyerCalls.every((r) => r.header('X-Buyer-Id') === undefined)).toBe(true);
    const productCalls = backend.requestsTo('GET', '/api/products');
    expect(productCalls.length).toBeGreaterThan(0);
    expect(productCalls.every((r) => r.header('Authorization') === undefined)).toBe(true);
    expect(authCodeCalls()).toBe(1);
  });
});

describe('a session that ends', () => {
  it('in the middle of a checkout: one silent re-login, the create sent again with the same key, paid once', async () => {
    start();
    rt.fake.cashier = () => ({ resultCode: '9000' });
    backend.onRefresh = () => 'paid';
    rt.launch('/pages/product/product?id=ticket');
    await rt.settle();
    backend.expireSessions();
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data.state).toBe('paid');
    const creates = backend.requestsTo('POST', '/api/orders');
    expect(creates.map((r) => r.header('Idempotency-Key'))).toEqual([creates[0].header('Idempotency-Key'), creates[0].header('Idempotency-Key')]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(authCodeCalls()).toBe(2);
  });

  it('refused again right after the re-login: My orders says so, with Retry; no loop', async () => {
    start();
    rt.launch();
    await rt.settle();
    const unauthorized = { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } };
    backend.once('GET', '/api/orders', unauthorized);
    backend.once('GET', '/api/orders', unauthorized);
    const page = await openMyOrders();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorSignIn });
    expect(backend.requestsTo('GET', '/api/orders')).toHaveLength(2);
    expect(authCodeCalls()).toBe(2);
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data.state).toBe('empty');
  });
});

describe('when Alipay gives no code (release build)', () => {
  beforeEach(() => {
    start({ envVersion: 'release', alipayUser: null });
  });

  it('the catalogue shows its products and "Couldn\'t sign you in with Alipay" with Retry, which signs in', async () => {
    const page = rt.launch();
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'ready', signInText: en.errorSignIn, signingIn: false });
    rt.fake.alipayUser = DEFAULT_ALIPAY_USER;
    rt.tap('onSignInRetry');
    expect(page.data.signingIn).toBe(true);
    await rt.settle();
    expect(page.data).toMatchObject({ signInText: '', signingIn: false });
    expect(backend.requestsTo('POST', '/api/session')).toHaveLength(1);
  });

  it('the catalogue drops the notice when another page has signed in meanwhile', async () => {
    const home = rt.launch();
    await rt.settle();
    rt.fake.alipayUser = DEFAULT_ALIPAY_USER;
    await openMyOrders();
    rt.navigateBack(1);
    await rt.settle();
    expect(home.data.signInText).toBe('');
    expect(authCodeCalls()).toBe(2);
  });

  it('My orders says sign-in failed rather than a network error, and Retry works', async () => {
    rt.launch();
    await rt.settle();
    const page = await openMyOrders();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorSignIn });
    expect(backend.received.filter(isBuyerCall)).toEqual([]);
    rt.fake.alipayUser = DEFAULT_ALIPAY_USER;
    backend.addOrder(DEFAULT_ALIPAY_USER);
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data.state).toBe('ready');
  });

  it('order details too', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const page = rt.launch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorSignIn });
    rt.fake.alipayUser = DEFAULT_ALIPAY_USER;
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data).toMatchObject({ state: 'ready', order: { ref: order.merchantReference } });
  });

  it('Pay says sign-in failed, creates nothing, and paying again once Alipay answers works', async () => {
    rt.fake.cashier = () => ({ resultCode: '6001' });
    const page = rt.launch('/pages/product/product?id=ticket');
    await rt.settle();
    await rt.tap('onPay');
    expect(page.data).toMatchObject({ paying: false, payError: en.errorSignIn });
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorSignIn, type: 'fail' }]);
    expect(backend.received.filter(isBuyerCall)).toEqual([]);
    rt.fake.alipayUser = DEFAULT_ALIPAY_USER;
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().route).toBe('pages/result/result');
    expect(backend.createdOrders).toHaveLength(1);
  });
});

describe('the sandbox fallback', () => {
  it('a develop build against a sandbox backend signs in as `sandbox:<device id>`: no notice, its own orders', async () => {
    backend.mode = 'sandbox';
    start({ envVersion: 'develop', alipayUser: null });
    const home = rt.launch();
    await rt.settle();
    const deviceId = rt.fake.stored('deviceId') as string;
    expect(backend.requestsTo('POST', '/api/session').map((r) => r.body)).toEqual([{ authCode: `sandbox:${deviceId}` }]);
    expect(home.data.signInText).toBe('');
    backend.addOrder(`sandbox:${deviceId}`);
    backend.addOrder(DEFAULT_ALIPAY_USER);
    const orders = await openMyOrders();
    expect(orders.data.orders).toHaveLength(1);
  });

  it.each(['trial', 'release'] as const)('a %s build against a sandbox backend never falls back', async (envVersion) => {
    backend.mode = 'sandbox';
    start({ envVersion, alipayUser: null });
    const home = rt.launch();
    await rt.settle();
    expect(home.data.signInText).toBe(en.errorSignIn);
    expect(backend.received.map((r) => r.path)).toEqual(['/api/products']);
  });

  it('a develop build against a live backend does not fall back either', async () => {
    start({ envVersion: 'develop', alipayUser: null });
    const home = rt.launch();
    await rt.settle();
    expect(home.data.signInText).toBe(en.errorSignIn);
    expect(backend.requestsTo('POST', '/api/session')).toEqual([]);
  });
});

describe('the token across restarts', () => {
  it('is reused by the next launch until it expires, then a new one is made silently', async () => {
    start();
    rt.launch();
    await rt.settle();
    const [first] = backend.tokensOf(DEFAULT_ALIPAY_USER);

    restart();
    rt.launch();
    await rt.settle();
    await openMyOrders();
    expect(authCodeCalls()).toBe(0);
    expect(backend.requestsTo('GET', '/api/orders').map((r) => r.header('Authorization'))).toEqual([`Bearer ${first}`]);

    restart();
    jest.setSystemTime(Date.now() + SESSION_TTL_MS); // the new runtime's clock
    rt.launch();
    await rt.settle();
    await openMyOrders();
    expect(authCodeCalls()).toBe(1);
    const [, second] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    expect(backend.requestsTo('GET', '/api/orders').map((r) => r.header('Authorization'))).toEqual([`Bearer ${first}`, `Bearer ${second}`]);
  });

  it('with storage full, works for the session and signs in again on the next launch', async () => {
    start();
    rt.fake.storageFull = true;
    rt.launch();
    await rt.settle();
    await openMyOrders();
    expect(rt.current().data.state).toBe('empty');
    expect(authCodeCalls()).toBe(1);
    restart();
    rt.launch();
    await rt.settle();
    expect(authCodeCalls()).toBe(1);
    expect(backend.tokensOf(DEFAULT_ALIPAY_USER)).toHaveLength(2);
  });
});

it('never writes the token to the console, through sign-ins, re-logins and failures', async () => {
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation(() => undefined));
  try {
    start();
    rt.fake.cashier = () => ({ resultCode: '9000' });
    backend.onRefresh = () => 'paid';
    rt.launch('/pages/product/product?id=ticket');
    await rt.settle();
    backend.expireSessions();
    backend.once('POST', '/api/orders', { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } });
    backend.once('POST', '/api/orders', { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } });
    await rt.tap('onPay');
    await rt.tap('onPay');
    await rt.settle();
    (rt.app?.onError as (error: string) => void).call(rt.app, 'boom');
    restart();
    rt.launch();
    await rt.settle();
    await openMyOrders();

    const tokens = Array.from(backend.sessions.keys());
    expect(tokens.length).toBeGreaterThan(1);
    const printed = JSON.stringify(spies.map((spy) => spy.mock.calls));
    expect(printed).toContain('boom');
    for (const token of tokens) expect(printed).not.toContain(token);
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
});
