import { startSandbox } from '../../server/sandbox';
import { ACCOUNT, complete, createBody, createOrder, queryUrl, refundBody, request } from './sandbox-client';

const CALLBACK = 'http://127.0.0.1:9/notify';

let sandbox: { url: string; close(): Promise<void> };
beforeAll(async () => {
  sandbox = await startSandbox({ ...ACCOUNT, port: 0 });
});
afterAll(() => sandbox.close());
afterEach(() => request('DELETE', `${sandbox.url}/sandbox/faults`));

const addFault = (fault: Record<string, unknown>) => request('POST', `${sandbox.url}/sandbox/faults`, fault);
const create = () => request('POST', `${sandbox.url}/v2/minialipay`, createBody(CALLBACK));
const stats = async () => (await request('GET', `${sandbox.url}/sandbox/stats`)).json.calls;

describe('GET /sandbox/orders/:merchant_reference', () => {
  it('shows the order state', async () => {
    const { reference, orderId } = await createOrder(sandbox.url, CALLBACK, { amount: '9.90', product_name: 'Tea' });
    const answer = await request('GET', `${sandbox.url}/sandbox/orders/${reference}`);
    expect(answer.status).toBe(200);
    expect(answer.json.order).toEqual({
      merchantReference: reference,
      orderId,
      amount: '9.90',
      currency: 'NZD',
      productName: 'Tea',
      callbackUrl: CALLBACK,
      status: 'pending',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      payTime: null,
      refundedAmount: '0.00',
      refunds: [],
      notifications: [],
    });
    const all = await request('GET', `${sandbox.url}/sandbox/orders`);
    expect(all.json.orders.map((o: { orderId: string }) => o.orderId)).toContain(orderId);
  });

  it('404 for an unknown order', async () => {
    const answer = await request('GET', `${sandbox.url}/sandbox/orders/nope`);
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('not_found');
  });
});

describe('POST /sandbox/orders/:merchant_reference/complete', () => {
  it('defaults to paid without a body', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    const answer = await request('POST', `${sandbox.url}/sandbox/orders/${reference}/complete`);
    expect(answer.status).toBe(200);
    expect(answer.json.order.status).toBe('paid');
  });

  it('404 for an unknown order', async () => {
    const answer = await complete(sandbox.url, 'nope');
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe('not_found');
  });

  it.each([
    [{ status: 'refunded' }, /status/],
    [{ notification: 'loud' }, /notification/],
    [{ color: 'red' }, /unknown field/],
    [{ delayMs: 10 }, /delayMs/],
    [{ notification: 'delay', delayMs: -1 }, /delayMs/],
    [{ notification: 'delay', delayMs: '10' }, /delayMs/],
    [[1], /object/],
  ])('400 for body %j, changing nothing', async (body, message) => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    const answer = await complete(sandbox.url, reference, body as never);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toEqual({ code: 'invalid_request', message: expect.stringMatching(message) });
    expect((await request('GET', `${sandbox.url}/sandbox/orders/${reference}`)).json.order.status).toBe('pending');
  });

  it('400 for a body that is not JSON, 415 for another content type', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    const url = `${sandbox.url}/sandbox/orders/${reference}/complete`;
    const bad = await request('POST', url, '{"status":');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_request');
    const text = await request('POST', url, 'status=paid', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('unsupported_media_type');
  });
});

describe('GET /sandbox/stats', () => {
  it('counts every request to create, query and refund, bad ones included', async () => {
    const before = await stats();
    const { reference, orderId } = await createOrder(sandbox.url, CALLBACK);
    await request('POST', `${sandbox.url}/v2/minialipay`, '{broken');
    await request('POST', `${sandbox.url}/v2/minialipay`, { user_id: 'x' });
    await request('GET', queryUrl(sandbox.url, reference));
    await request('POST', `${sandbox.url}/refund`, refundBody(orderId, '1.00'));
    await request('GET', `${sandbox.url}/sandbox/orders/${reference}`);
    const after = await stats();
    expect(after).toEqual({ create: before.create + 3, query: before.query + 1, refund: before.refund + 1 });
  });
});

describe('/sandbox/faults', () => {
  it('latipay_error: the next `times` calls answer the given Latipay error, then normally', async () => {
    const added = await addFault({ endpoint: 'create', kind: 'latipay_error', times: 2, code: 301, message: 'account wrong' });
    expect(added.status).toBe(200);
    expect(added.json.faults).toHaveLength(1);
    for (let i = 0; i < 2; i += 1) {
      const answer = await create();
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ code: 301, message: 'account wrong' });
    }
    expect((await create()).json.code).toBe(0);
  });

  it('latipay_error defaults to code 1', async () => {
    await addFault({ endpoint: 'refund', kind: 'latipay_error' });
    const answer = await request('POST', `${sandbox.url}/refund`, refundBody('S1', '1.00'));
    expect(answer.json.code).toBe(1);
    expect(typeof answer.json.message).toBe('string');
  });

  it('http_500: answers HTTP 500 and creates no order', async () => {
    await addFault({ endpoint: 'create', kind: 'http_500' });
    const body = createBody(CALLBACK);
    const answer = await request('POST', `${sandbox.url}/v2/minialipay`, body);
    expect(answer.status).toBe(500);
    expect((await request('GET', `${sandbox.url}/sandbox/orders/${body.merchant_reference}`)).status).toBe(404);
  });

  it('malformed: HTTP 200 with a body that is not JSON', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    await addFault({ endpoint: 'query', kind: 'malformed' });
    const answer = await request('GET', queryUrl(sandbox.url, reference));
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.json).toBeUndefined();
  });

  it('delay: waits delayMs, then answers normally (the order is created)', async () => {
    await addFault({ endpoint: 'create', kind: 'delay', delayMs: 150 });
    const started = Date.now();
    const answer = await create();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(answer.json.code).toBe(0);
  });

  it('faults for one endpoint leave the others alone; DELETE clears them', async () => {
    await addFault({ endpoint: 'refund', kind: 'http_500', times: 5 });
    expect((await create()).json.code).toBe(0);
    expect((await request('GET', `${sandbox.url}/sandbox/faults`)).json.faults).toEqual([
      expect.objectContaining({ endpoint: 'refund', kind: 'http_500', remaining: 5 }),
    ]);
    const cleared = await request('DELETE', `${sandbox.url}/sandbox/faults`);
    expect(cleared.json.faults).toEqual([]);
    const answer = await request('POST', `${sandbox.url}/refund`, refundBody('S1', '1.00'));
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(551);
  });

  it.each([
    [{ endpoint: 'pay', kind: 'http_500' }, /endpoint/],
    [{ endpoint: 'create', kind: 'explode' }, /kind/],
    [{ endpoint: 'create', kind: 'http_500', times: 0 }, /times/],
    [{ endpoint: 'create', kind: 'delay' }, /delayMs/],
    [{ endpoint: 'create', kind: 'http_500', delayMs: 5 }, /delayMs/],
    [{ endpoint: 'create', kind: 'latipay_error', code: 0 }, /code/],
    [{ endpoint: 'create', kind: 'http_500', code: 301 }, /code/],
    [{ endpoint: 'create', kind: 'http_500', extra: 1 }, /unknown field/],
    ['"nope"', /object/],
    ['{"endpoint":', /not valid JSON/],
  ])('400 for %j, adding nothing', async (fault, message) => {
    const answer = await addFault(fault as never);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toEqual({ code: 'invalid_request', message: expect.stringMatching(message) });
    expect((await request('GET', `${sandbox.url}/sandbox/faults`)).json.faults).toEqual([]);
  });
});
