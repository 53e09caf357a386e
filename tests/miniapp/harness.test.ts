// The harness itself: if it does not behave like Alipay, the page tests prove nothing.
import {
  applySetData,
  alipayUserOf,
  AUTH_CODE_FAILURE,
  BASE_URL,
  cloneData,
  createRuntime,
  DEFAULT_ALIPAY_USER,
  FakeBackend,
  FakeMy,
  MAX_PAGE_STACK,
  ORDERS_PAGE_SIZE,
  parsePath,
  SESSION_TTL_MS,
  STORAGE_LIMITS,
} from './harness';
import type { FakeReply, MiniRuntime } from './harness';

describe('setData semantics', () => {
  it('parses path keys', () => {
    expect(parsePath('a')).toEqual(['a']);
    expect(parsePath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parsePath('list[2][1]')).toEqual(['list', 2, 1]);
    for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a[x]', 'a[0]b']) {
      expect(() => parsePath(bad)).toThrow(/bad setData path/);
    }
  });

  it('replaces top-level keys and leaves the others alone', () => {
    const data: Record<string, unknown> = { a: { x: 1, y: 2 }, b: 1 };
    applySetData(data, { a: { x: 3 } });
    expect(data).toEqual({ a: { x: 3 }, b: 1 });
  });

  it('sets deep paths, creating objects and arrays on the way', () => {
    const data: Record<string, unknown> = { a: { b: [{ c: 1, d: 2 }] }, keep: true };
    applySetData(data, { 'a.b[0].c': 5, 'n.m[1].k': 'v' });
    expect(data).toEqual({ a: { b: [{ c: 5, d: 2 }] }, keep: true, n: { m: [undefined, { k: 'v' }] } });
  });

  it('copies values, so later changes to the argument do not leak into data', () => {
    const data: Record<string, unknown> = {};
    const list = [{ id: 1 }];
    applySetData(data, { list });
    list[0].id = 2;
    expect(data.list).toEqual([{ id: 1 }]);
  });

  it('refuses what cannot be rendered', () => {
    expect(() => cloneData({ f: () => 1 })).toThrow(/function/);
    expect(() => cloneData({ d: new Date() })).toThrow(/not plain data/);
  });
});

describe('fake my', () => {
  it('delivers request answers asynchronously, 4xx to success by default', async () => {
    const fake = new FakeMy({ responder: () => ({ status: 404, body: { error: { code: 'not_found', message: 'x' } } }) });
    const seen: unknown[] = [];
    fake.my.request({ url: 'http://h/api/x', success: (r: unknown) => seen.push(r) } as never);
    expect(seen).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([
      expect.objectContaining({ status: 404, data: { error: { code: 'not_found', message: 'x' } } }),
    ]);
  });

  it.each([
    ['fail19', { error: 19, errorMessage: 'http status error' }],
    ['fail19-with-body', { error: 19, errorMessage: 'http status error', status: 500, data: { e: 1 } }],
  ] as const)('can deliver a 5xx as error 19 (%s)', async (delivery, expected) => {
    const fake = new FakeMy({ httpErrorDelivery: delivery, responder: () => ({ status: 500, body: { e: 1 } }) });
    const failures: unknown[] = [];
    fake.my.request({ url: 'http://h/', fail: (e: unknown) => failures.push(e) } as never);
    await new Promise((r) => setImmediate(r));
    expect(failures).toEqual([expected]);
  });

  it('fails with error 14 on a body that is not JSON, and 12 on a network error', async () => {
    const replies: FakeReply[] = [{ status: 200, raw: '<html>' }, { networkError: true }];
    const fake = new FakeMy({ responder: () => replies.shift() as FakeReply });
    const failures: unknown[] = [];
    fake.my.request({ url: 'http://h/', fail: (e: unknown) => failures.push(e) } as never);
    fake.my.request({ url: 'http://h/', fail: (e: unknown) => failures.push(e) } as never);
    await new Promise((r) => setImmediate(r));
    expect(failures).toEqual([
      { error: 14, errorMessage: 'JSON parse data error' },
      { error: 12, errorMessage: 'network error' },
    ]);
  });

  it('times out with error 13 after the request timeout', async () => {
    jest.useFakeTimers();
    try {
      const fake = new FakeMy({ responder: () => ({ timeout: true }) });
      const failures: unknown[] = [];
      fake.my.request({ url: 'http://h/', timeout: 500, fail: (e: unknown) => failures.push(e) } as never);
      await jest.advanceTimersByTimeAsync(499);
      expect(failures).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(failures).toEqual([{ error: 13, errorMessage: 'request timeout' }]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads request headers from `headers` only, as older base libraries do', async () => {
    const fake = new FakeMy({ responder: () => ({ status: 200, body: {} }) });
    fake.my.request({ url: 'http://h/a', headers: { 'X-A': '1' } } as never);
    fake.my.request({ url: 'http://h/b', header: { 'X-B': '2' } } as never);
    expect(fake.requests.map((r) => r.headers)).toEqual([{ 'X-A': '1' }, {}]);
    expect(fake.requests[1].header('X-B')).toBeUndefined();
  });

  it('refuses a storage write it cannot keep with { success: false }, without throwing, as Alipay does', () => {
    const fake = new FakeMy();
    const set = (key: string, data: unknown): unknown => fake.my.setStorageSync({ key, data } as never);
    expect(set('k', 1)).toEqual({ success: true });
    fake.storageFull = true;
    expect(set('k', 2)).toEqual({ success: false, errorMessage: 'storage limit exceeded' });
    expect(fake.stored('k')).toBe(1);
    fake.storageFull = false;
    expect(set('big', 'x'.repeat(STORAGE_LIMITS.perKey))).toMatchObject({ success: false });
    expect(fake.stored('big')).toBeNull();
    const fitting = Math.floor(STORAGE_LIMITS.total / STORAGE_LIMITS.perKey); // 51 values of nearly 200 KB
    for (let i = 0; i < fitting; i += 1) expect(set(`k${i}`, 'x'.repeat(STORAGE_LIMITS.perKey - 100))).toEqual({ success: true });
    expect(set('one-more', 'x'.repeat(STORAGE_LIMITS.perKey - 100))).toMatchObject({ success: false });
    expect(set('k0', 'small')).toEqual({ success: true }); // replacing a value frees its room
  });

  it('keeps copies in storage and answers tradePay from the cashier', async () => {
    const fake = new FakeMy({ cashier: (orderStr) => ({ resultCode: orderStr === 'a=1' ? '6001' : '9000' }) });
    const value = { a: [1] };
    fake.my.setStorageSync({ key: 'k', data: value } as never);
    value.a.push(2);
    expect(fake.my.getStorageSync({ key: 'k' } as never)).toEqual({ data: { a: [1] } });
    expect(fake.my.getStorageSync({ key: 'none' } as never)).toEqual({ data: null });
    const results: unknown[] = [];
    fake.my.tradePay({ orderStr: 'a=1', success: (r: unknown) => results.push(r) } as never);
    await new Promise((r) => setImmediate(r));
    expect(results).toEqual([{ resultCode: '6001' }]);
    expect(fake.tradePays).toEqual(['a=1']);
  });
});

describe('fake my.getAuthCode', () => {
  type Answer = { ok: unknown } | { failed: unknown };
  async function getAuthCode(fake: FakeMy, scopes: unknown = 'auth_base'): Promise<Answer> {
    return new Promise((resolve) => {
      fake.my.getAuthCode({ scopes, success: (r: unknown) => resolve({ ok: r }), fail: (e: unknown) => resolve({ failed: e }) } as never);
    });
  }

  it('answers as Alipay documents: a fresh code for the Alipay user each time, with the scopes granted', async () => {
    const fake = new FakeMy({ alipayUser: 'alice' });
    const first = await getAuthCode(fake);
    const second = await getAuthCode(fake);
    expect(first).toEqual({ ok: { authCode: expect.any(String), authSuccessScopes: ['auth_base'], authErrorScopes: {} } });
    expect(fake.authCodes).toHaveLength(2);
    expect(new Set(fake.authCodes).size).toBe(2);
    expect(fake.authCodes.map(alipayUserOf)).toEqual(['alice', 'alice']);
    expect(second).toEqual({ ok: expect.objectContaining({ authCode: fake.authCodes[1] }) });
  });

  it('fails with { error, errorMessage } without a user, or as a test queues it', async () => {
    expect(await getAuthCode(new FakeMy({ alipayUser: null }))).toEqual({ failed: AUTH_CODE_FAILURE.fail });
    const fake = new FakeMy();
    fake.authCodeReplies.push({ fail: { error: 11, errorMessage: 'x' } }, { authCode: 'chosen' });
    expect(await getAuthCode(fake)).toEqual({ failed: { error: 11, errorMessage: 'x' } });
    expect(await getAuthCode(fake)).toEqual({ ok: expect.objectContaining({ authCode: 'chosen' }) });
    await getAuthCode(fake);
    expect(fake.authCodes.map(alipayUserOf)).toEqual([null, DEFAULT_ALIPAY_USER]);
  });

  it('reports a scope that would prompt the shopper', async () => {
    const fake = new FakeMy();
    await getAuthCode(fake, ['auth_base']);
    expect(fake.problems).toEqual([]);
    await getAuthCode(fake, 'auth_user');
    expect(fake.problems).toEqual([new Error('my.getAuthCode asked for "auth_user": only auth_base is silent')]);
  });
});

describe('fake backend sessions', () => {
  let fake: FakeMy;
  let backend: FakeBackend;
  beforeEach(() => {
    jest.useFakeTimers();
    backend = new FakeBackend();
    fake = new FakeMy({ responder: backend.responder });
  });
  afterEach(() => jest.useRealTimers());

  type Answer = { status: number; body: Record<string, unknown> };
  function call(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    return new Promise((resolve) => {
      fake.my.request({
        url: `${BASE_URL}${path}`,
        method,
        headers,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        success: (r: { status: number; data: Record<string, unknown> }) => resolve({ status: r.status, body: r.data }),
      } as never);
    });
  }
  /** A code of the fake my for `user` (it records the code as it hands it out). */
  const newCode = (user: string): string => {
    fake.alipayUser = user;
    fake.my.getAuthCode({} as never);
    return fake.authCodes[fake.authCodes.length - 1];
  };
  async function signIn(user: string): Promise<string> {
    const { status, body } = await call('POST', '/api/session', { body: { authCode: newCode(user) } });
    expect(status).toBe(201);
    return body.token as string;
  }

  it('opens a session for a code of the fake my, once per code; answers 400 invalid_auth_code after', async () => {
    const authCode = newCode('alice');
    const opened = await call('POST', '/api/session', { body: { authCode } });
    expect(opened).toEqual({ status: 201, body: { token: expect.any(String), expiresAt: expect.any(String), buyer: { id: 'alice' } } });
    expect(Date.parse(opened.body.expiresAt as string)).toBe(Date.now() + SESSION_TTL_MS);
    expect((await call('POST', '/api/session', { body: { authCode } })).body).toEqual({ error: { code: 'invalid_auth_code', message: expect.any(String) } });
    expect((await call('POST', '/api/session', { body: { authCode: 'made-up' } })).status).toBe(400);
  });

  it('takes `sandbox:<name>` codes, again and again, only in mode sandbox', async () => {
    expect((await call('POST', '/api/session', { body: { authCode: 'sandbox:dev' } })).status).toBe(400);
    backend.mode = 'sandbox';
    const first = await call('POST', '/api/session', { body: { authCode: 'sandbox:dev' } });
    const again = await call('POST', '/api/session', { body: { authCode: 'sandbox:dev' } });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.buyer).toEqual(first.body.buyer);
  });

  it('answers 401 unauthorized on buyer routes without a valid token, unexpired', async () => {
    const token = await signIn('alice');
    expect((await call('GET', '/api/orders')).status).toBe(401);
    expect((await call('GET', '/api/orders', { token: 'nope' })).body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await call('GET', '/api/orders', { headers: { 'X-Buyer-Id': 'alice' } })).status).toBe(401);
    expect((await call('GET', '/api/orders', { token })).status).toBe(200);
    jest.setSystemTime(Date.now() + SESSION_TTL_MS);
    expect((await call('GET', '/api/orders', { token })).status).toBe(401);
    const other = await signIn('alice');
    backend.expireSessions();
    expect((await call('POST', '/api/orders', { token: other, body: { productId: 'ticket', quantity: 1 }, headers: { 'Idempotency-Key': 'k' } })).status).toBe(401);
  });

  it('needs no session for the products and /healthz', async () => {
    expect(await call('GET', '/api/products')).toEqual({ status: 200, body: { products: backend.products } });
    expect(await call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok', mode: 'live' } });
  });

  it("keeps buyers apart: another buyer's order is not found, and not in their list", async () => {
    backend.mode = 'sandbox';
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const created = await call('POST', '/api/orders', { token: alice, body: { productId: 'ticket', quantity: 1 }, headers: { 'Idempotency-Key': 'k' } });
    const ref = (created.body.order as { merchantReference: string }).merchantReference;
    expect((await call('GET', `/api/orders/${ref}`, { token: alice })).status).toBe(200);
    expect((await call('GET', `/api/orders/${ref}`, { token: bob })).status).toBe(404);
    expect((await call('POST', `/api/sandbox/orders/${ref}/settle`, { token: bob, body: { action: 'pay' } })).status).toBe(404);
    expect((await call('GET', '/api/orders', { token: bob })).body).toEqual({ orders: [], nextBefore: null });
    expect(((await call('GET', '/api/orders', { token: alice })).body.orders as unknown[]).length).toBe(1);
  });

  it('lists orders 20 a page, newest first, older pages by `before`; nothing before an order not theirs', async () => {
    const alice = await signIn('alice');
    const refs = Array.from({ length: ORDERS_PAGE_SIZE + 1 }, () => backend.addOrder('alice').merchantReference).reverse();
    const bobs = backend.addOrder('bob').merchantReference;
    const first = await call('GET', '/api/orders', { token: alice });
    expect((first.body.orders as Array<{ merchantReference: string }>).map((o) => o.merchantReference)).toEqual(refs.slice(0, ORDERS_PAGE_SIZE));
    expect(first.body.nextBefore).toBe(refs[ORDERS_PAGE_SIZE - 1]);
    const second = await call('GET', `/api/orders?before=${first.body.nextBefore as string}`, { token: alice });
    expect(second.body).toEqual({ orders: [expect.objectContaining({ merchantReference: refs[ORDERS_PAGE_SIZE] })], nextBefore: null });
    expect((await call('GET', `/api/orders?before=${bobs}`, { token: alice })).body).toEqual({ orders: [], nextBefore: null });
  });

  describe('orders', () => {
    const create = async (body: unknown): Promise<Answer> =>
      call('POST', '/api/orders', { token: await signIn('alice'), body, headers: { 'Idempotency-Key': `k-${Math.random()}` } });

    it('makes one order of several lines: items with line totals, the amount their sum, a summary as the backend makes it', async () => {
      const { status, body } = await create({ items: [{ productId: 'ticket', quantity: 3 }, { productId: 'pinot', quantity: 1 }] });
      expect(status).toBe(201);
      expect(body.order).toMatchObject({
        amount: '120.03',
        productName: 'Ticket ×3 +1 more',
        items: [
          { productId: 'ticket', name: 'Ticket', quantity: 3, unitPrice: '0.01', lineTotal: '0.03' },
          { productId: 'pinot', name: 'Pinot Noir, Otago', quantity: 1, unitPrice: '120.00', lineTotal: '120.00' },
        ],
      });
    });

    it('still takes one {productId, quantity} as one line', async () => {
      const { body } = await create({ productId: 'pinot', quantity: 2 });
      expect(body.order).toMatchObject({ productName: 'Pinot Noir, Otago ×2', items: [{ productId: 'pinot', quantity: 2 }] });
    });

    it.each([
      ['no lines', { items: [] }],
      ['21 lines', { items: Array.from({ length: 21 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })) }],
      ['a quantity of 0', { items: [{ productId: 'pinot', quantity: 0 }] }],
      ['a quantity of 100', { items: [{ productId: 'pinot', quantity: 100 }] }],
      ['a product twice', { items: [{ productId: 'pinot', quantity: 1 }, { productId: 'pinot', quantity: 2 }] }],
      ['items that are not a list', { items: 'pinot' }],
    ])('refuses %s with 400 invalid_request', async (_label, body) => {
      expect(await create(body)).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    });

    it('refuses products not in the catalogue with 400 unknown_product, naming them', async () => {
      const answer = await create({ items: [{ productId: 'pinot', quantity: 1 }, { productId: 'gone', quantity: 1 }, { productId: 'lost', quantity: 1 }] });
      expect(answer).toEqual({ status: 400, body: { error: { code: 'unknown_product', message: 'not in the catalogue: "gone", "lost"' } } });
      expect(backend.createdOrders).toEqual([]);
    });

    it('lists each product with its picture URL, or null', async () => {
      const products = (await call('GET', '/api/products')).body.products as Array<{ id: string; imageUrl: string | null }>;
      expect(products.map((p) => [p.id, p.imageUrl])).toEqual([
        ['pinot', `${BASE_URL}/images/pinot.png`],
        ['ticket', null],
      ]);
    });
  });
});

describe('runtime', () => {
  let rt: MiniRuntime;
  afterEach(() => rt.dispose());

  it('captures App, every page of app.json and the components they use', () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    expect(rt.appConfig).not.toBeNull();
    expect(Array.from(rt.pageConfigs.keys()).sort()).toEqual([...rt.appJson.pages].sort());
    expect(Array.from(rt.componentConfigs.keys()).sort()).toEqual([
      'components/cart-entry/cart-entry',
      'components/price/price',
      'components/product-card/product-card',
      'components/product-image/product-image',
      'components/status-tag/status-tag',
    ]);
  });

  it('runs the page lifecycle and the navigation stack', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const hooks: string[] = [];
    const home = rt.pageConfigs.get('pages/index/index') as Record<string, unknown>;
    for (const hook of ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload']) {
      const original = home[hook] as ((...a: unknown[]) => unknown) | undefined;
      home[hook] = function (this: unknown, ...args: unknown[]) {
        hooks.push(hook);
        return original?.apply(this, args);
      };
    }
    const first = rt.launch('/pages/index/index?x=1');
    expect(hooks).toEqual(['onLoad', 'onShow']);
    await rt.settle();
    expect(hooks).toEqual(['onLoad', 'onShow', 'onReady']);
    expect(first.query).toEqual({ x: '1' });

    rt.fake.my.navigateTo({ url: '/pages/orders/orders' } as never);
    expect(rt.stack).toHaveLength(1); // navigation happens after the current task
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index', 'pages/orders/orders']);
    expect(hooks.slice(3)).toEqual(['onHide']);

    rt.fake.my.navigateBack({} as never);
    await rt.settle();
    expect(rt.stack).toEqual([first]);
    expect(hooks.slice(4)).toEqual(['onShow']);

    rt.fake.my.reLaunch({ url: '/pages/orders/orders' } as never);
    await rt.settle();
    expect(hooks.slice(5)).toEqual(['onUnload']);
    expect(rt.isUnloaded(first)).toBe(true);
  });

  /** Records the lifecycle hooks of the app and of the page config `route`. */
  function recordHooks(route: string): string[] {
    const hooks: string[] = [];
    const wrap = (config: Record<string, unknown>, name: string, label: string): void => {
      const original = config[name] as ((...a: unknown[]) => unknown) | undefined;
      config[name] = function (this: unknown, ...args: unknown[]) {
        hooks.push(label);
        return original?.apply(this, args);
      };
    };
    const app = rt.appConfig as Record<string, unknown>;
    for (const hook of ['onHide', 'onShow']) wrap(app, hook, `app.${hook}`);
    const page = rt.pageConfigs.get(route) as Record<string, unknown>;
    for (const hook of ['onShow', 'onHide', 'onUnload']) wrap(page, hook, hook);
    return hooks;
  }

  it('hides the page while the cashier is open and shows it again before the cashier answers', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const hooks = recordHooks('pages/orders/orders');
    rt.launch('/pages/orders/orders');
    hooks.length = 0;
    let answer: ((reply: { resultCode: string }) => void) | undefined;
    rt.fake.cashier = () => new Promise((resolve) => (answer = resolve));
    const results: string[] = [];
    rt.fake.my.tradePay({ orderStr: 'a=1', success: () => results.push(`success after ${hooks.join(',')}`) } as never);
    await rt.settle();
    expect(hooks).toEqual(['onHide']);
    (answer as (reply: { resultCode: string }) => void)({ resultCode: '9000' });
    await rt.settle();
    expect(hooks).toEqual(['onHide', 'onShow']);
    expect(results).toEqual(['success after onHide,onShow']);
  });

  it('does not show a page again that the cashier outlived', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const hooks = recordHooks('pages/orders/orders');
    rt.launch('/pages/orders/orders');
    let answer: (() => void) | undefined;
    rt.fake.cashier = () => new Promise((resolve) => (answer = () => resolve({ resultCode: '6001' })));
    rt.fake.my.tradePay({ orderStr: 'a=1' } as never);
    await rt.settle();
    rt.reLaunch('/pages/index/index');
    hooks.length = 0;
    (answer as () => void)();
    await rt.settle();
    expect(hooks).toEqual([]);
  });

  it('goes to the background and back: app then page', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const hooks = recordHooks('pages/orders/orders');
    rt.launch('/pages/orders/orders');
    hooks.length = 0;
    rt.background();
    rt.foreground();
    expect(hooks).toEqual(['app.onHide', 'onHide', 'app.onShow', 'onShow']);
  });

  it('pulls down only a page that turns pull-down refresh on, until it stops the indicator', async () => {
    rt = createRuntime({ responder: () => ({ status: 200, body: { orders: [], products: [] } }) });
    rt.launch('/pages/result/result');
    expect(() => rt.pullDown()).toThrow(/pullRefresh/);
    rt.reLaunch('/pages/orders/orders');
    await rt.settle();
    const refreshing = rt.pullDown();
    expect(rt.fake.pullRefreshing).toBe(true);
    await refreshing;
    expect(rt.fake.pullRefreshing).toBe(false);
    expect(rt.fake.callsTo('stopPullDownRefresh')).toHaveLength(1);
  });

  it('refuses a page beyond the tenth and a page not in app.json', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    rt.launch();
    for (let i = 1; i < MAX_PAGE_STACK; i += 1) rt.navigateTo('/pages/orders/orders');
    expect(rt.stack).toHaveLength(MAX_PAGE_STACK);
    const failures: unknown[] = [];
    rt.fake.my.navigateTo({ url: '/pages/orders/orders', fail: (e: unknown) => failures.push(e) } as never);
    rt.fake.my.navigateTo({ url: '/pages/nope/nope', fail: (e: unknown) => failures.push(e) } as never);
    await rt.settle();
    expect(rt.stack).toHaveLength(MAX_PAGE_STACK);
    expect(failures).toHaveLength(2);
  });

  it('reports my.getAuthCode called from onShow (Alipay asks not to), and not from onLoad', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const page = rt.launch();
    const askAlipay = () => rt.fake.my.getAuthCode({} as never);
    page.onLoad = askAlipay;
    page.onShow = askAlipay;
    rt.call(page, 'onLoad', {});
    expect(rt.fake.problems).toEqual([]);
    rt.call(page, 'onShow');
    expect(rt.fake.problems).toEqual([new Error('my.getAuthCode called from onShow')]);
    expect(rt.fake.runningHook).toBeNull();
    rt.fake.problems.length = 0;
  });

  it('reports what a page throws, also from async handlers', async () => {
    rt = createRuntime({ responder: () => ({ hang: true }) });
    const page = rt.launch();
    page.boom = async () => {
      throw new Error('async boom');
    };
    rt.tap('boom');
    await rt.settle();
    expect(rt.errors).toEqual([new Error('async boom')]);
    rt.errors.length = 0;
  });
});
