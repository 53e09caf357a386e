import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signPaymentResult } from '../../server/latipay';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { readRows } from './helpers/db';
import { closedPortUrl, http as request, waitFor } from './helpers/http';
import { addFault, createOrder, createdOrder, getOrder, sandboxCalls } from './helpers/shop';

const LIVE_CREDENTIALS = {
  LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
  LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
  LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
};

const storedStatus = (server: TestServer) =>
  readRows<{ merchant_reference: string; status: string; create_error_code: string }>(
    server.databasePath,
    'SELECT merchant_reference, status, create_error_code FROM orders ORDER BY id DESC LIMIT 1',
  )[0];

describe('Latipay down', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: await closedPortUrl() } });
  });
  afterAll(() => server.close());

  it('answers 503 latipay_unavailable and records the order as create_failed', async () => {
    expect(server.mode).toBe('live');
    const res = await createOrder(server, undefined, { 'idempotency-key': 'down-1' });
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'latipay_unavailable', message: expect.stringContaining('could not be reached') });
    const row = storedStatus(server);
    expect(row).toMatchObject({ status: 'create_failed', create_error_code: 'latipay_unavailable' });
    const order = (await getOrder(server, row.merchant_reference)).body.order;
    expect(order).toMatchObject({ status: 'create_failed', latipayOrderId: null });
    // Retrying with the same key gives the same answer for the same order.
    const again = await createOrder(server, undefined, { 'idempotency-key': 'down-1' });
    expect(again.status).toBe(503);
    expect(again.body).toEqual(res.body);
    expect(readRows(server.databasePath, 'SELECT id FROM orders')).toHaveLength(1);
  });
});

describe('Latipay answering errors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await request(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
  });

  it("code != 0 gives 502 latipay_error with Latipay's message; the same key repeats it without a call", async () => {
    await addFault(server, { endpoint: 'create', kind: 'latipay_error', code: 301, message: 'account or currency wrong' });
    const before = (await sandboxCalls(server)).create;
    const res = await createOrder(server, undefined, { 'idempotency-key': 'err-1' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('latipay_error');
    expect(res.body.error.message).toContain('account or currency wrong');
    expect(res.body.error.message).toContain('301');
    expect(storedStatus(server)).toMatchObject({ status: 'create_failed', create_error_code: 'latipay_error' });
    const again = await createOrder(server, undefined, { 'idempotency-key': 'err-1' });
    expect(again.body).toEqual(res.body);
    expect((await sandboxCalls(server)).create).toBe(before + 1);
  });

  it.each([
    ['HTTP 500', 'http_500', /HTTP 500/],
    ['a malformed body', 'malformed', /not a Latipay JSON answer/],
  ])('%s gives 502 latipay_error and a create_failed order', async (_what, kind, message) => {
    await addFault(server, { endpoint: 'create', kind });
    const res = await createOrder(server);
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringMatching(message) });
    expect(storedStatus(server).status).toBe('create_failed');
  });

  it('a create_failed order is never asked about, and the next order works', async () => {
    await addFault(server, { endpoint: 'create', kind: 'http_500' });
    await createOrder(server);
    const failed = storedStatus(server).merchant_reference;
    const before = (await sandboxCalls(server)).query;
    expect((await getOrder(server, failed, true)).body.order.status).toBe('create_failed');
    expect((await sandboxCalls(server)).query).toBe(before);
    expect((await createdOrder(server)).status).toBe('pending');
  });

  it('a failing query gives 502 and leaves the order as it was', async () => {
    const order = await createdOrder(server);
    await addFault(server, { endpoint: 'query', kind: 'latipay_error', code: 1, message: 'FAIL' });
    const res = await getOrder(server, order.merchantReference, true);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('latipay_error');
    await addFault(server, { endpoint: 'query', kind: 'malformed' });
    expect((await getOrder(server, order.merchantReference, true)).status).toBe(502);
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('pending');
  });
});

describe('Latipay slow', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { LATIPAY_TIMEOUT_MS: '150' } });
  });
  afterAll(() => server.close());

  it('a create answer later than LATIPAY_TIMEOUT_MS gives 504 latipay_timeout and create_failed', async () => {
    await addFault(server, { endpoint: 'create', kind: 'delay', delayMs: 1000 });
    const res = await createOrder(server);
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('latipay_timeout');
    expect(storedStatus(server)).toMatchObject({ status: 'create_failed', create_error_code: 'latipay_timeout' });
  });

  it('a slow query gives 504 and the order stays pending', async () => {
    const order = await createdOrder(server);
    await addFault(server, { endpoint: 'query', kind: 'delay', delayMs: 1000 });
    const res = await getOrder(server, order.merchantReference, true);
    expect(res.status).toBe(504);
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('pending');
  });
});

describe('Latipay as a separate server (LATIPAY_BASE_URL)', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  beforeAll(async () => {
    sandbox = await startSandbox({ retryMs: 50, maxAttempts: 3 });
    server = await startTestServer({ env: { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: sandbox.url } });
  });
  afterAll(async () => {
    await server.close();
    await sandbox.close();
  });

  it('runs in live mode and settles a payment through its notification', async () => {
    expect(server.sandboxUrl).toBeNull();
    const res = await createOrder(server);
    expect(res.body.mode).toBe('live');
    const ref = res.body.order.merchantReference;
    await request(`${sandbox.url}/sandbox/orders/${ref}/complete`, { json: { status: 'paid' } });
    await waitFor(async () => (await getOrder(server, ref)).body.order.status === 'paid', 'paid');
  });
});

/** A stand-in for Latipay's live host whose query answers are wrong in a chosen way. */
function stubLatipay(query: (ref: string) => Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/v2/minialipay') {
      const gatewaydata = { out_trade_no: 'S1', total_fee: '0.01' };
      res.end(JSON.stringify({ code: 0, message: 'SUCCESS', gatewaydata, paydata: { orderId: 'S1', customerOrderId: 'C1' } }));
    } else {
      const ref = decodeURIComponent((req.url ?? '').split('/')[3]?.split('?')[0] ?? '');
      res.end(JSON.stringify(query(ref)));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('query answers that must not be trusted', () => {
  const key = SANDBOX_DEV_CREDENTIALS.apiKey;
  const answer = (ref: string, amount: string, signature: string) => ({
    code: 0, message: 'SUCCESS', merchant_reference: ref, currency: 'NZD', amount: Number(amount),
    payment_method: 'alipay', status: 'paid', pay_time: '', order_id: 'S1', signature,
  });
  const signed = (ref: string, amount: string) =>
    signPaymentResult({ merchant_reference: ref, payment_method: 'alipay', status: 'paid', currency: 'NZD', amount }, key);

  it('a badly signed paid answer gives 502 and changes nothing', async () => {
    const stub = await stubLatipay((ref) => answer(ref, '0.01', signed(ref, '0.01').replace(/^./, (c) => (c === '0' ? '1' : '0'))));
    const server = await startTestServer({ env: { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: stub.url } });
    try {
      const order = await createdOrder(server);
      const res = await getOrder(server, order.merchantReference, true);
      expect(res.status).toBe(502);
      expect(res.body.error.message).toContain('signature');
      expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('pending');
    } finally {
      await server.close();
      await stub.close();
    }
  });

  it('a signed paid answer for another amount is an anomaly, not a payment', async () => {
    const stub = await stubLatipay((ref) => answer(ref, '0.02', signed(ref, '0.02')));
    const server = await startTestServer({ env: { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: stub.url } });
    try {
      const order = await createdOrder(server);
      const res = await getOrder(server, order.merchantReference, true);
      expect(res.status).toBe(200);
      expect(res.body.order.status).toBe('pending');
      const anomalies = readRows(server.databasePath, 'SELECT kind FROM anomalies WHERE merchant_reference = ?', order.merchantReference);
      expect(anomalies).toEqual([{ kind: 'amount_mismatch' }]);
    } finally {
      await server.close();
      await stub.close();
    }
  });
});
