import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import type { ApiError } from '../../utils/api-error';
import { createSessionKeeper } from '../../utils/session';
import { CREATE_ORDER_TIMEOUT_MS } from '../../config/env';
import { DEFAULT_ALIPAY_USER, FakeBackend, installFakeMy, ORDERS_PAGE_SIZE } from './harness';
import type { FakeMy, FakeRequest } from './harness';

let fake: FakeMy;
let uninstall: () => void;
let backend: FakeBackend;
let api: ApiClient;

beforeEach(() => {
  jest.useFakeTimers();
  backend = new FakeBackend();
  ({ fake, uninstall } = installFakeMy({ responder: backend.responder }));
  api = createApiClient(undefined, createSessionKeeper());
});

/** The requests to the buyer routes (not the sign-in). */
const buyerCalls = (): FakeRequest[] => fake.requests.filter((r) => r.path !== '/api/session');
const sessionToken = (): string => backend.tokensOf(DEFAULT_ALIPAY_USER)[0];
afterEach(() => {
  uninstall();
  jest.useRealTimers();
});

async function malformed(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toMatchObject({ kind: 'malformed' } satisfies Partial<ApiError>);
}

describe('api client', () => {
  it('lists products without signing in', async () => {
    await expect(api.listProducts()).resolves.toEqual(backend.products);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/products' });
    expect(fake.requests[0].header('Authorization')).toBeUndefined();
    expect(fake.callsTo('getAuthCode')).toEqual([]);
  });

  it('creates an order with the Idempotency-Key and the session token, and a longer timeout', async () => {
    const items = [{ productId: 'pinot', quantity: 2 }, { productId: 'ticket', quantity: 3 }];
    const created = await api.createOrder({ items }, 'key-1');
    expect(created.order).toMatchObject({
      status: 'pending',
      amount: '240.03',
      productName: 'Pinot Noir, Otago ×2 +1 more',
      items: [
        { productId: 'pinot', quantity: 2, unitPrice: '120.00', lineTotal: '240.00' },
        { productId: 'ticket', quantity: 3, unitPrice: '0.01', lineTotal: '0.03' },
      ],
    });
    expect(created.mode).toBe('live');
    expect(Object.keys(created.gatewaydata)[0]).toBe('service');
    const [sent] = buyerCalls();
    expect(sent).toMatchObject({ method: 'POST', path: '/api/orders', body: { items } });
    expect(sent.timeout).toBe(CREATE_ORDER_TIMEOUT_MS);
    expect(sent.header('Idempotency-Key')).toBe('key-1');
    expect(sent.header('Authorization')).toBe(`Bearer ${sessionToken()}`);
    expect(sent.header('X-Buyer-Id')).toBeUndefined();
  });

  it('gets an order, asking the backend to refresh it from Latipay when told to', async () => {
    const { order } = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k');
    await expect(api.getOrder(order.merchantReference)).resolves.toEqual(order);
    await api.getOrder(order.merchantReference, { refresh: true });
    expect(buyerCalls()[1].url).toBe(`http://127.0.0.1:3000/api/orders/${order.merchantReference}`);
    expect(buyerCalls()[2].url).toBe(`http://127.0.0.1:3000/api/orders/${order.merchantReference}?refresh=true`);
  });

  it('encodes the reference in the path', async () => {
    backend.once('GET', /^\/api\/orders\//, { status: 404, body: { error: { code: 'not_found', message: 'x' } } });
    await expect(api.getOrder('a/b?c')).rejects.toMatchObject({ kind: 'http', status: 404, code: 'not_found' });
    expect(buyerCalls()[0].url).toBe('http://127.0.0.1:3000/api/orders/a%2Fb%3Fc');
  });

  it("lists the signed-in buyer's orders a page at a time, newest first, with the cursor of the next page", async () => {
    const mine = Array.from({ length: ORDERS_PAGE_SIZE + 3 }, () => backend.addOrder(DEFAULT_ALIPAY_USER));
    backend.addOrder('someone-else');
    const newestFirst = mine.map((o) => o.merchantReference).reverse();
    const first = await api.listOrders();
    expect(first.orders.map((o) => o.merchantReference)).toEqual(newestFirst.slice(0, ORDERS_PAGE_SIZE));
    expect(first.nextBefore).toBe(newestFirst[ORDERS_PAGE_SIZE - 1]);
    const second = await api.listOrders(first.nextBefore as string);
    expect(second).toEqual({ orders: expect.any(Array), nextBefore: null });
    expect(second.orders.map((o) => o.merchantReference)).toEqual(newestFirst.slice(ORDERS_PAGE_SIZE));
    const [firstCall, secondCall] = buyerCalls();
    expect(firstCall.url).toBe('http://127.0.0.1:3000/api/orders');
    expect(secondCall.query).toEqual({ before: first.nextBefore });
    expect(secondCall.header('Authorization')).toBe(`Bearer ${sessionToken()}`);
  });

  it('passes server errors through with their code', async () => {
    await expect(api.createOrder({ productId: 'nope', quantity: 1 }, 'k')).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      code: 'unknown_product',
    });
  });

  it('settles an order at the sandbox cashier with its action', async () => {
    backend.mode = 'sandbox';
    const { order } = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k');
    const answer = await api.settleSandboxOrder(order.merchantReference, 'fail');
    expect(answer).toEqual({ resultCode: '4000', order: expect.objectContaining({ merchantReference: order.merchantReference }) });
    const [, sent] = buyerCalls();
    expect(sent).toMatchObject({ method: 'POST', path: `/api/sandbox/orders/${order.merchantReference}/settle`, body: { action: 'fail' } });
    expect(sent.header('Authorization')).toBe(`Bearer ${sessionToken()}`);
    expect(sent.header('Content-Type')).toBe('application/json');
  });

  it('passes on a live backend refusing the sandbox cashier (no such route)', async () => {
    const { order } = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k');
    await expect(api.settleSandboxOrder(order.merchantReference, 'pay')).rejects.toMatchObject({ kind: 'http', status: 404, code: 'not_found' });
  });

  describe('refuses answers that break the contract', () => {
    it('products missing or wrong', async () => {
      backend.once('GET', '/api/products', { status: 200, body: {} });
      await malformed(api.listProducts());
      backend.once('GET', '/api/products', { status: 200, body: { products: [{ id: 'x', name: 'n', price: 1.5 }] } });
      await malformed(api.listProducts());
    });

    it('a price that is a float or has no cents', async () => {
      for (const price of [12.5, '12.5', '12', '-1.00']) {
        backend.once('GET', '/api/products', {
          status: 200,
          body: { products: [{ id: 'x', name: 'n', description: '', price, currency: 'NZD', imageUrl: null }] },
        });
        await malformed(api.listProducts());
      }
    });

    it('a picture that is neither a URL nor null', async () => {
      const product = { id: 'x', name: 'n', description: '', price: '1.00', currency: 'NZD' };
      backend.once('GET', '/api/products', { status: 200, body: { products: [{ ...product, imageUrl: null }] } });
      await expect(api.listProducts()).resolves.toEqual([{ ...product, imageUrl: null }]);
      for (const imageUrl of [undefined, 5, {}]) {
        backend.once('GET', '/api/products', { status: 200, body: { products: [{ ...product, imageUrl }] } });
        await malformed(api.listProducts());
      }
    });

    it('a create answer without gatewaydata, with a bad mode or a bad order', async () => {
      const good = (await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k0')) as unknown as Record<string, unknown>;
      const bad: Array<Record<string, unknown>> = [
        { ...good, gatewaydata: undefined },
        { ...good, gatewaydata: { a: 1 } },
        { ...good, mode: 'test' },
        { ...good, order: { ...(good.order as object), status: 'weird' } },
        { ...good, order: { ...(good.order as object), amount: 0.01 } },
        { ...good, order: { ...(good.order as object), refunds: [{ id: 'r' }] } },
        { ...good, order: { ...(good.order as object), items: undefined } },
        { ...good, order: { ...(good.order as object), items: [{ productId: 'ticket', name: 'Ticket', quantity: 1, unitPrice: '0.01' }] } },
        { ...good, order: { ...(good.order as object), items: [{ productId: 'ticket', name: 'Ticket', quantity: '1', unitPrice: '0.01', lineTotal: '0.01' }] } },
      ];
      for (const body of bad) {
        backend.once('POST', '/api/orders', { status: 201, body });
        await malformed(api.createOrder({ productId: 'ticket', quantity: 1 }, 'k'));
      }
    });

    it('a sandbox cashier answer without a result code or order', async () => {
      const order = backend.addOrder(DEFAULT_ALIPAY_USER);
      for (const body of [{ order }, { resultCode: '', order }, { resultCode: 9000, order }, { resultCode: '9000' }]) {
        backend.once('POST', `/api/sandbox/orders/${order.merchantReference}/settle`, { status: 200, body });
        await malformed(api.settleSandboxOrder(order.merchantReference, 'pay'));
      }
    });

    it('an order answer without an order', async () => {
      backend.once('GET', '/api/orders/M1', { status: 200, body: { orders: [] } });
      await malformed(api.getOrder('M1'));
      backend.once('GET', '/api/orders', { status: 200, body: { orders: {}, nextBefore: null } });
      await malformed(api.listOrders());
    });

    it('an order list without a valid cursor', async () => {
      for (const nextBefore of [undefined, '', 5]) {
        backend.once('GET', '/api/orders', { status: 200, body: { orders: [], nextBefore } });
        await malformed(api.listOrders());
      }
    });
  });
});
