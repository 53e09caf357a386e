import type { CreateOrderResponse } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import { Checkout, isCheckoutError, OPEN_ORDER_WINDOW_MS } from '../../utils/checkout';
import type { CheckoutStep } from '../../utils/checkout';
import { buildOrderStr, isPaymentError } from '../../utils/payment';
import type { Pay } from '../../utils/payment';
import { createPaymentStore } from '../../utils/payment-store';
import { createSessionKeeper } from '../../utils/session';
import { CASHIER_NOT_RUN } from '../../utils/result-code';
import { AUTH_CODE_FAILURE, DEFAULT_ALIPAY_USER, FakeBackend, installFakeMy } from './harness';
import type { CashierReply, FakeMy, HttpErrorDelivery } from './harness';

let fake: FakeMy;
let uninstall: () => void;
let backend: FakeBackend;
let keys: string[];

/** Keys are random in the app; numbered here (across checkouts) to be readable. */
function newCheckout(pay?: Pay): Checkout {
  return new Checkout({
    api: createApiClient(undefined, createSessionKeeper()),
    pay,
    newKey: () => {
      keys.push(`key-${keys.length + 1}`);
      return keys[keys.length - 1];
    },
  });
}

function sentKeys(): Array<string | undefined> {
  return backend.requestsTo('POST', '/api/orders').map((r) => r.header('Idempotency-Key'));
}

beforeEach(() => {
  jest.useFakeTimers();
  keys = [];
  backend = new FakeBackend();
  ({ fake, uninstall } = installFakeMy({ responder: backend.responder }));
});
afterEach(() => {
  uninstall();
  jest.useRealTimers();
});

describe('buy', () => {
  it('creates the order, pays its orderStr, and sends the shopper to the result page', async () => {
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 2 }]);
    const [order] = backend.createdOrders;
    expect(order).toMatchObject({ items: [{ productId: 'pinot', quantity: 2 }], amount: '240.00' });
    expect(fake.tradePays).toEqual([buildOrderStr(backend.orders.get(order.merchantReference)?.response.gatewaydata)]);
    expect(step).toEqual({
      kind: 'result',
      ref: order.merchantReference,
      code: '9000',
      url: `/pages/result/result?ref=${order.merchantReference}&code=9000`,
    });
  });

  it('keeps the payment part of the answer, so the same order can be paid again', async () => {
    backend.mode = 'sandbox';
    await newCheckout().buy([{ productId: 'ticket', quantity: 1 }]);
    const [order] = backend.createdOrders;
    expect(createPaymentStore().load(order.merchantReference)).toMatchObject({
      gatewaydata: backend.orders.get(order.merchantReference)?.response.gatewaydata,
      mode: 'sandbox',
    });
  });

  it('hands the pluggable pay step the orderStr and the whole create answer', async () => {
    backend.mode = 'sandbox';
    const pay = jest.fn<ReturnType<Pay>, Parameters<Pay>>(async () => ({ resultCode: '6001' }));
    const step = await newCheckout(pay).buy([{ productId: 'ticket', quantity: 3 }]);
    const [order] = backend.createdOrders;
    const created = backend.orders.get(order.merchantReference)?.response as CreateOrderResponse;
    expect(pay).toHaveBeenCalledTimes(1);
    expect(pay).toHaveBeenCalledWith(buildOrderStr(created.gatewaydata), created);
    expect(pay.mock.calls[0][1].mode).toBe('sandbox');
    expect(fake.tradePays).toEqual([]);
    expect(fake.callsTo('showActionSheet')).toEqual([]);
    expect(step).toMatchObject({ kind: 'result', code: '6001' });
  });

  it('a double tap starts one payment', async () => {
    const checkout = newCheckout();
    const first = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    const second = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(checkout.inFlight).toBe(true);
    await expect(second).resolves.toEqual({ kind: 'ignored' });
    await expect(first).resolves.toMatchObject({ kind: 'result' });
    expect(backend.requestsTo('POST', '/api/orders')).toHaveLength(1);
    expect(fake.tradePays).toHaveLength(1);
    expect(checkout.inFlight).toBe(false);
  });

  it('also ignores a second tap while the cashier is open', async () => {
    let close: (() => void) | undefined;
    fake.cashier = () => new Promise((resolve) => (close = () => resolve({ resultCode: '6001' })));
    const checkout = newCheckout();
    const first = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.tradePays).toHaveLength(1);
    await expect(checkout.buy([{ productId: 'pinot', quantity: 1 }])).resolves.toEqual({ kind: 'ignored' });
    (close as () => void)();
    await first;
    expect(fake.tradePays).toHaveLength(1);
  });

  it('reuses the Idempotency-Key when the same attempt is retried after a network failure', async () => {
    backend.once('POST', '/api/orders', { networkError: true });
    const checkout = newCheckout();
    const failed = await checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(failed.kind).toBe('error');
    expect(fake.tradePays).toEqual([]);
    const retried = await checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(retried.kind).toBe('result');
    expect(sentKeys()).toEqual(['key-1', 'key-1']);
    expect(backend.createdOrders).toHaveLength(1);
  });

  it('a retry after a timeout finds the order the backend did create, instead of a second one', async () => {
    // The backend creates the order, but the answer never arrives.
    backend.once('POST', '/api/orders', (request) => {
      backend.handle(request);
      return { timeout: true };
    });
    const checkout = newCheckout();
    const pending = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    await jest.advanceTimersByTimeAsync(30000);
    const failed = await pending;
    expect(failed).toMatchObject({ kind: 'error', error: { kind: 'timeout' } });
    expect(backend.createdOrders).toHaveLength(1);

    const retried = await checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(retried).toMatchObject({ kind: 'result', ref: backend.createdOrders[0].merchantReference });
    expect(sentKeys()).toEqual(['key-1', 'key-1']);
    expect(backend.createdOrders).toHaveLength(1);
    expect(fake.tradePays).toHaveLength(1);
  });

  it('reuses the key while the backend says the first request is still being processed', async () => {
    backend.once('POST', '/api/orders', {
      status: 409,
      body: { error: { code: 'idempotency_conflict', message: 'a request with this Idempotency-Key is still being processed' } },
    });
    const checkout = newCheckout();
    expect(await checkout.buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'error', error: { status: 409 } });
    expect((await checkout.buy([{ productId: 'pinot', quantity: 1 }])).kind).toBe('result');
    expect(sentKeys()).toEqual(['key-1', 'key-1']);
  });

  it.each<HttpErrorDelivery>(['fail19', 'fail19-without-status', 'fail19-with-body'])(
    'reuses the key when "still being processed" arrives as error 19 (%s)',
    async (delivery) => {
      fake.httpErrorDelivery = delivery;
      backend.once('POST', '/api/orders', {
        status: 409,
        body: { error: { code: 'idempotency_conflict', message: 'a request with this Idempotency-Key is still being processed' } },
      });
      const checkout = newCheckout();
      expect(await checkout.buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'error', error: { kind: 'http' } });
      expect((await checkout.buy([{ productId: 'pinot', quantity: 1 }])).kind).toBe('result');
      expect(sentKeys()).toEqual(['key-1', 'key-1']);
      expect(backend.createdOrders).toHaveLength(1);
    },
  );

  it('a retry after a timeout keeps its key through a failed sign-in and a 401: one order', async () => {
    backend.once('POST', '/api/orders', (request) => {
      backend.handle(request);
      return { timeout: true };
    });
    const checkout = newCheckout();
    const pending = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    await jest.advanceTimersByTimeAsync(30000);
    expect(await pending).toMatchObject({ kind: 'error', error: { kind: 'timeout' } });

    // The session ends and Alipay gives no code: nothing reaches the backend.
    backend.expireSessions();
    fake.authCodeReplies.push(AUTH_CODE_FAILURE);
    expect(await checkout.buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'error', error: { isSignInError: true } });
    // Refused twice with 401: the backend never looked at the key.
    backend.once('POST', '/api/orders', { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } });
    backend.once('POST', '/api/orders', { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } });
    expect(await checkout.buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'error', error: { status: 401 } });

    const retried = await checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(retried).toMatchObject({ kind: 'result', ref: backend.createdOrders[0].merchantReference });
    expect(new Set(sentKeys())).toEqual(new Set(['key-1']));
    expect(backend.createdOrders).toHaveLength(1);
    expect(fake.tradePays).toHaveLength(1);
  });

  it('reuses the key after a malformed answer too', async () => {
    backend.once('POST', '/api/orders', { status: 200, raw: '<html>captive portal</html>' });
    const checkout = newCheckout();
    expect((await checkout.buy([{ productId: 'pinot', quantity: 1 }])).kind).toBe('error');
    await checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    expect(sentKeys()).toEqual(['key-1', 'key-1']);
  });

  it('uses a new key for a new attempt: after an answer, after a server error, or with another quantity', async () => {
    const checkout = newCheckout();
    await checkout.buy([{ productId: 'pinot', quantity: 1 }]); // answered: attempt over
    jest.setSystemTime(Date.now() + OPEN_ORDER_WINDOW_MS + 1);
    await checkout.buy([{ productId: 'pinot', quantity: 1 }]); // a second purchase, later
    jest.setSystemTime(Date.now() + OPEN_ORDER_WINDOW_MS + 1);
    backend.once('POST', '/api/orders', { networkError: true });
    await checkout.buy([{ productId: 'pinot', quantity: 1 }]); // attempt 3 fails uncertainly...
    await checkout.buy([{ productId: 'pinot', quantity: 2 }]); // ...but the shopper changed the quantity: a new attempt
    backend.once('POST', '/api/orders', { status: 503, body: { error: { code: 'latipay_unavailable', message: 'down' } } });
    await checkout.buy([{ productId: 'ticket', quantity: 1 }]); // the server answered with an error: the attempt is over
    await checkout.buy([{ productId: 'ticket', quantity: 1 }]);
    expect(sentKeys()).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5', 'key-6']);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reports a server refusal without paying', async () => {
    const step = await newCheckout().buy([{ productId: 'gone', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'error', error: { kind: 'http', code: 'unknown_product' } });
    expect(fake.tradePays).toEqual([]);
  });

  it('does not pay an empty gatewaydata', async () => {
    backend.once('POST', '/api/orders', (request) => {
      const reply = backend.handle(request) as { status: number; body: CreateOrderResponse };
      return { status: 201, body: { ...reply.body, gatewaydata: {} } };
    });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step.kind).toBe('error');
    expect(isPaymentError((step as { error: unknown }).error)).toBe(true);
    expect(fake.tradePays).toEqual([]);
  });

  it('shows an order the backend says is already paid instead of paying it', async () => {
    backend.once('POST', '/api/orders', (request) => {
      const reply = backend.handle(request) as { status: number; body: CreateOrderResponse };
      return { status: 201, body: { ...reply.body, order: { ...reply.body.order, status: 'paid' } } };
    });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'settled' });
    expect(fake.tradePays).toEqual([]);
  });

  it('waits for a new order the backend is still creating', async () => {
    backend.once('POST', '/api/orders', (request) => {
      const reply = backend.handle(request) as { status: number; body: CreateOrderResponse };
      return { status: 201, body: { ...reply.body, order: { ...reply.body.order, status: 'creating' } } };
    });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect((step as { error: { kind: string } }).error.kind).toBe('order_not_ready');
    expect(fake.tradePays).toEqual([]);
  });

  it('does not pay a new order that is not pending', async () => {
    backend.once('POST', '/api/orders', (request) => {
      const reply = backend.handle(request) as { status: number; body: CreateOrderResponse };
      return { status: 201, body: { ...reply.body, order: { ...reply.body.order, status: 'create_failed' } } };
    });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step.kind).toBe('error');
    expect(isCheckoutError((step as { error: unknown }).error)).toBe(true);
    expect(fake.tradePays).toEqual([]);
  });

  it.each<[string, { error?: number; errorMessage?: string }]>([
    ['error 4 (no permission)', { error: 4, errorMessage: 'no permission' }],
    ['no error number', {}],
  ])('my.tradePay failing with %s: the cashier did not run, its own outcome', async (_label, failure) => {
    fake.cashier = () => ({ fail: failure });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'result', code: CASHIER_NOT_RUN });
    if (step.kind !== 'result') throw new Error('no result');
    expect(createPaymentStore().load(step.ref)?.lastCode).toBe(CASHIER_NOT_RUN);
  });

  it('my.tradePay failing with a result code: that code', async () => {
    fake.cashier = () => ({ fail: { error: 4, resultCode: 6001 } });
    expect(await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'result', code: '6001' });
  });

  it('never opens the cashier once the page has gone', async () => {
    const checkout = newCheckout();
    const pending = checkout.buy([{ productId: 'pinot', quantity: 1 }]);
    checkout.abort();
    await expect(pending).resolves.toEqual({ kind: 'ignored' });
    expect(fake.tradePays).toEqual([]);
    await expect(checkout.buy([{ productId: 'pinot', quantity: 1 }])).resolves.toEqual({ kind: 'ignored' });
  });
});

describe('payAgain', () => {
  async function cancelledOrder(): Promise<{ checkout: Checkout; ref: string; orderStr: string }> {
    fake.cashier = () => ({ resultCode: '6001' });
    const checkout = newCheckout();
    const step = (await checkout.buy([{ productId: 'pinot', quantity: 1 }])) as Extract<CheckoutStep, { kind: 'result' }>;
    return { checkout, ref: step.ref, orderStr: fake.tradePays[0] };
  }

  it('re-pays the same pending order with its own orderStr, creating nothing', async () => {
    const { ref, orderStr } = await cancelledOrder();
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().payAgain(ref);
    expect(step).toEqual({ kind: 'result', ref, code: '9000', url: `/pages/result/result?ref=${ref}&code=9000` });
    expect(fake.tradePays).toEqual([orderStr, orderStr]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(backend.requestsTo('GET', `/api/orders/${ref}`)[0].query).toEqual({ refresh: 'true' });
  });

  it('does not pay an order the server says is paid', async () => {
    const { ref } = await cancelledOrder();
    backend.setStatus(ref, 'paid');
    expect(await newCheckout().payAgain(ref)).toEqual({ kind: 'settled', ref, url: `/pages/result/result?ref=${ref}` });
    expect(fake.tradePays).toHaveLength(1);
    expect(createPaymentStore().load(ref)).toBeNull();
  });

  it('replaces an order the server calls failed with a new one, under a new key', async () => {
    const { ref } = await cancelledOrder();
    backend.setStatus(ref, 'failed');
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().payAgain(ref);
    const [, second] = backend.createdOrders;
    expect(second).toMatchObject({ items: [{ productId: 'pinot', quantity: 1 }], status: 'pending' });
    expect(step).toMatchObject({ kind: 'result', ref: second.merchantReference, code: '9000' });
    expect(fake.tradePays[1]).toContain(`out_trade_no=${second.latipayOrderId}`);
    expect(new Set(sentKeys()).size).toBe(2);
    expect(createPaymentStore().load(ref)).toBeNull();
  });

  const notPaidAnswers: Array<[string, CashierReply]> = [
    ['4000', { resultCode: '4000' }],
    ['6001', { resultCode: 6001 }],
    ['99', { resultCode: '99' }],
    ['6002', { resultCode: '6002' }],
    ['a cashier that did not run', { fail: { error: 4 } }],
  ];

  it.each(notPaidAnswers)('replaces a failed order after the cashier said %s', async (_label, answer) => {
    fake.cashier = () => answer;
    const first = (await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])) as Extract<CheckoutStep, { kind: 'result' }>;
    backend.setStatus(first.ref, 'failed');
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().payAgain(first.ref);
    expect(backend.createdOrders).toHaveLength(2);
    expect(step).toMatchObject({ kind: 'result', ref: backend.createdOrders[1].merchantReference });
  });

  it.each(['9000', '8000', '6004', '1234', ''])(
    'never replaces a failed order after the cashier said %p (money may have moved): confirm it instead',
    async (code) => {
      fake.cashier = () => ({ resultCode: code });
      const first = (await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])) as Extract<CheckoutStep, { kind: 'result' }>;
      backend.setStatus(first.ref, 'failed');
      const step = await newCheckout().payAgain(first.ref);
      expect(step).toEqual({ kind: 'confirm', ref: first.ref, url: `/pages/result/result?ref=${first.ref}` });
      expect(backend.createdOrders).toHaveLength(1);
      expect(fake.tradePays).toHaveLength(1);
      expect(backend.requestsTo('GET', `/api/orders/${first.ref}`)[0].query).toEqual({ refresh: 'true' });
    },
  );

  it('never replaces a failed order this device knows nothing about', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, { status: 'failed' });
    const step = await newCheckout().payAgain(order.merchantReference);
    expect(step).toMatchObject({ kind: 'confirm', ref: order.merchantReference });
    expect(backend.createdOrders).toHaveLength(1);
  });

  it('replaces an order whose creation failed (never payable)', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, { status: 'create_failed' });
    fake.cashier = () => ({ resultCode: '6001' });
    const step = await newCheckout().payAgain(order.merchantReference);
    expect(backend.createdOrders).toHaveLength(2);
    expect(step).toMatchObject({ kind: 'result', ref: backend.createdOrders[1].merchantReference });
  });

  it('refuses a pending order whose payment data is not on this device', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const step = await newCheckout().payAgain(order.merchantReference);
    expect(step.kind).toBe('error');
    expect((step as { error: { kind: string } }).error.kind).toBe('not_payable_here');
    expect(fake.tradePays).toEqual([]);
  });

  it('waits for an order still being created', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, { status: 'creating' });
    const step = await newCheckout().payAgain(order.merchantReference);
    expect((step as { error: { kind: string } }).error.kind).toBe('order_not_ready');
  });

  it('pays nothing when the server cannot be asked', async () => {
    const { ref } = await cancelledOrder();
    backend.once('GET', `/api/orders/${ref}`, { networkError: true });
    const step = await newCheckout().payAgain(ref);
    expect(step).toMatchObject({ kind: 'error', error: { kind: 'network' } });
    expect(fake.tradePays).toHaveLength(1);
  });

  it('a double tap on "pay again" pays once', async () => {
    const { ref } = await cancelledOrder();
    const checkout = newCheckout();
    const steps = await Promise.all([checkout.payAgain(ref), checkout.payAgain(ref), checkout.buy([{ productId: 'pinot', quantity: 1 }])]);
    expect(steps.map((s) => s.kind)).toEqual(['result', 'ignored', 'ignored']);
    expect(fake.tradePays).toHaveLength(2);
  });
});

describe('buying what this device bought moments ago', () => {
  async function bought(code: string): Promise<Extract<CheckoutStep, { kind: 'result' }>> {
    fake.cashier = () => ({ resultCode: code });
    return (await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])) as Extract<CheckoutStep, { kind: 'result' }>;
  }

  it('pays the open order again (asking the server first) instead of creating a second', async () => {
    const first = await bought('6001');
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'result', ref: first.ref, code: '9000' });
    expect(backend.createdOrders).toHaveLength(1);
    expect(fake.tradePays).toEqual([fake.tradePays[0], fake.tradePays[0]]);
    expect(backend.requestsTo('GET', `/api/orders/${first.ref}`)[0].query).toEqual({ refresh: 'true' });
  });

  it('shows the order when it turned out to be paid', async () => {
    const first = await bought('9000');
    backend.setStatus(first.ref, 'paid');
    expect(await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])).toEqual({ kind: 'settled', ref: first.ref, url: `/pages/result/result?ref=${first.ref}` });
    expect(backend.createdOrders).toHaveLength(1);
    expect(fake.tradePays).toHaveLength(1);
  });

  it('sends the shopper to confirm an order that failed after 9000, never buying it again', async () => {
    const first = await bought('9000');
    backend.setStatus(first.ref, 'failed');
    expect(await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'confirm', ref: first.ref });
    expect(backend.createdOrders).toHaveLength(1);
  });

  it('keeps a 9000 even after paying the same order again was cancelled: a failed order is confirmed, not bought again', async () => {
    const first = await bought('9000');
    fake.cashier = () => ({ resultCode: '6001' });
    expect(await newCheckout().payAgain(first.ref)).toMatchObject({ kind: 'result', ref: first.ref, code: '6001' });
    backend.setStatus(first.ref, 'failed');
    expect(await newCheckout().payAgain(first.ref)).toMatchObject({ kind: 'confirm', ref: first.ref });
    expect(await newCheckout().buy([{ productId: 'pinot', quantity: 1 }])).toMatchObject({ kind: 'confirm', ref: first.ref });
    expect(backend.createdOrders).toHaveLength(1);
  });

  it('buys anew when the server no longer knows the open order', async () => {
    const first = await bought('6001');
    backend.orders.delete(first.ref);
    fake.cashier = () => ({ resultCode: '9000' });
    const step = await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'result', code: '9000' });
    const ref = (step as Extract<CheckoutStep, { kind: 'result' }>).ref;
    expect(ref).not.toBe(first.ref);
    expect(backend.createdOrders.map((order) => order.merchantReference)).toEqual([ref]);
  });

  it('another quantity, another product, or after 15 minutes is a new purchase', async () => {
    await bought('6001');
    await newCheckout().buy([{ productId: 'pinot', quantity: 2 }]);
    await newCheckout().buy([{ productId: 'ticket', quantity: 1 }]);
    expect(backend.createdOrders).toHaveLength(3);
    jest.setSystemTime(Date.now() + OPEN_ORDER_WINDOW_MS - 1);
    await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(backend.createdOrders).toHaveLength(3);
    jest.setSystemTime(Date.now() + 2);
    await newCheckout().buy([{ productId: 'pinot', quantity: 1 }]);
    expect(backend.createdOrders).toHaveLength(4);
  });
});

describe('buying a cart', () => {
  const cart = [
    { productId: 'pinot', quantity: 2 },
    { productId: 'ticket', quantity: 3 },
  ];

  it('buys every line in one order, the lines as the cart has them', async () => {
    const step = await newCheckout().buy(cart, true);
    const [order] = backend.createdOrders;
    expect(backend.requestsTo('POST', '/api/orders').map((r) => r.body)).toEqual([{ items: cart }]);
    expect(order).toMatchObject({ amount: '240.03', items: [{ productId: 'pinot', quantity: 2 }, { productId: 'ticket', quantity: 3 }] });
    expect(step).toMatchObject({ kind: 'result', ref: order.merchantReference });
    expect(createPaymentStore().load(order.merchantReference)).toMatchObject({ lines: cart, forCart: true });
  });

  it('keeps the key while the same lines are retried, and takes a new one when a line changes', async () => {
    const checkout = newCheckout();
    backend.once('POST', '/api/orders', { networkError: true });
    await checkout.buy(cart, true);
    backend.once('POST', '/api/orders', { timeout: true });
    const timedOut = checkout.buy(cart, true);
    await jest.advanceTimersByTimeAsync(30000);
    await timedOut;
    backend.once('POST', '/api/orders', { networkError: true });
    await checkout.buy([cart[0], { productId: 'ticket', quantity: 4 }], true);
    expect(sentKeys()).toEqual(['key-1', 'key-1', 'key-2']);
    expect(backend.createdOrders).toEqual([]);
  });

  it('pays the open order of the same cart again, its lines in any order, and then counts it as the cart\'s', async () => {
    fake.cashier = () => ({ resultCode: '6001' });
    const first = (await newCheckout().buy(cart, false)) as Extract<CheckoutStep, { kind: 'result' }>;
    expect(createPaymentStore().load(first.ref)?.forCart).toBe(false);
    const step = await newCheckout().buy([...cart].reverse(), true);
    expect(step).toMatchObject({ kind: 'result', ref: first.ref });
    expect(backend.createdOrders).toHaveLength(1);
    expect(createPaymentStore().load(first.ref)?.forCart).toBe(true);
  });

  it('a part of the cart, or more of it, is a new order', async () => {
    fake.cashier = () => ({ resultCode: '6001' });
    await newCheckout().buy(cart, true);
    await newCheckout().buy([cart[0]], true);
    await newCheckout().buy([...cart, { productId: 'ticket-2', quantity: 1 }], true);
    expect(backend.requestsTo('POST', '/api/orders')).toHaveLength(3);
  });

  it("replaces a failed cart order with one for the same lines, still the cart's", async () => {
    fake.cashier = () => ({ resultCode: '4000' });
    const first = (await newCheckout().buy(cart, true)) as Extract<CheckoutStep, { kind: 'result' }>;
    backend.setStatus(first.ref, 'failed');
    fake.cashier = () => ({ resultCode: '9000' });
    const step = (await newCheckout().payAgain(first.ref)) as Extract<CheckoutStep, { kind: 'result' }>;
    const [, second] = backend.createdOrders;
    expect(step.ref).toBe(second.merchantReference);
    expect(backend.requestsTo('POST', '/api/orders').map((r) => r.body)).toEqual([{ items: cart }, { items: cart }]);
    expect(createPaymentStore().load(second.merchantReference)).toMatchObject({ lines: cart, forCart: true });
  });
});
