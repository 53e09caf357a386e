import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signPaymentResult } from '../../server/latipay';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { closedPortUrl, http as request, waitFor } from './helpers/http';
import {
  addFault,
  complete,
  createOrder,
  createdOrder,
  getOrder,
  notification,
  notify,
  refund,
  sandboxCalls,
  sandboxOrder,
} from './helpers/shop';

const LIVE_CREDENTIALS = {
  LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
  LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
  LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
};

const storedStatus = async (server: TestServer) =>
  (
    await server.rows<{ merchant_reference: string; status: string; create_error_code: string }>(
      'SELECT merchant_reference, status, create_error_code FROM orders ORDER BY id DESC LIMIT 1',
    )
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
    const row = await storedStatus(server);
    expect(row).toMatchObject({ status: 'create_failed', create_error_code: 'latipay_unavailable' });
    const order = (await getOrder(server, row.merchant_reference)).body.order;
    expect(order).toMatchObject({ status: 'create_failed', latipayOrderId: null });
    // Retrying with the same key gives the same answer for the same order.
    const again = await createOrder(server, undefined, { 'idempotency-key': 'down-1' });
    expect(again.status).toBe(503);
    expect(again.body).toEqual(res.body);
    expect(await server.rows('SELECT id FROM orders')).toHaveLength(1);
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

  it('a refusal for a merchant problem (301) gives the shopper a generic 502, the log its code; the same key repeats it without a call', async () => {
    await addFault(server, { endpoint: 'create', kind: 'latipay_error', code: 301, message: 'account or currency wrong' });
    const before = (await sandboxCalls(server)).create;
    const res = await createOrder(server, undefined, { 'idempotency-key': 'err-1' });
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: 'latipay_error',
      message: 'the payment service refused to create the order; the merchant has been notified',
    });
    const stored = await server.rows<{ create_error_message: string }>(
      'SELECT create_error_message FROM orders WHERE merchant_reference = ?',
      (await storedStatus(server)).merchant_reference,
    );
    expect(stored).toEqual([{ create_error_message: res.body.error.message }]);
    const warning = server.logEntries().find((e) => e.msg === 'Latipay answered' && (e.latipay as { code: number }).code === 301);
    expect(warning).toMatchObject({ level: 40 });
    expect(server.logs.join('')).not.toContain('account or currency wrong');
    const again = await createOrder(server, undefined, { 'idempotency-key': 'err-1' });
    expect(again.body).toEqual(res.body);
    expect((await sandboxCalls(server)).create).toBe(before + 1);
  });

  it("never shows a shopper the sandbox's 206 hint about the signed message", async () => {
    const hint = 'wrong signature: expected the lowercase hex HMAC-SHA256 (key: api_key) of "amount=0.01&callback_url=http://x"';
    await addFault(server, { endpoint: 'create', kind: 'latipay_error', code: 206, message: hint });
    const res = await createOrder(server);
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('callback_url');
    expect(res.text).not.toContain('HMAC');
    expect(server.logs.join('')).not.toContain('HMAC');
  });

  it("passes Latipay's message on when it means something to the shopper (454, over the single-payment limit)", async () => {
    await addFault(server, { endpoint: 'create', kind: 'latipay_error', code: 454, message: 'exceeds the single payment limit' });
    const res = await createOrder(server);
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringContaining('exceeds the single payment limit') });
  });

  it.each([
    ['HTTP 500', 'http_500', /HTTP 500/],
    ['a malformed body', 'malformed', /not a Latipay JSON answer/],
  ])('%s gives 502 latipay_error and a create_failed order', async (_what, kind, message) => {
    await addFault(server, { endpoint: 'create', kind });
    const res = await createOrder(server);
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringMatching(message) });
    expect((await storedStatus(server)).status).toBe('create_failed');
  });

  it('a create_failed order is never asked about, and the next order works', async () => {
    await addFault(server, { endpoint: 'create', kind: 'http_500' });
    await createOrder(server);
    const failed = (await storedStatus(server)).merchant_reference;
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
    expect(await storedStatus(server)).toMatchObject({ status: 'create_failed', create_error_code: 'latipay_timeout' });
  });

  it("takes Latipay's order id never from a notification (unsigned), only from Latipay's answers", async () => {
    await addFault(server, { endpoint: 'create', kind: 'delay', delayMs: 300 });
    expect((await createOrder(server)).status).toBe(504);
    const ref = (await storedStatus(server)).merchant_reference;
    // Latipay created the order after all; the shopper paid it.
    const atLatipay = await waitFor(async () => sandboxOrder(server, ref), 'the late order at the sandbox');
    await complete(server, ref, 'paid', 'drop');
    const order = { merchantReference: ref, amount: '0.01', currency: 'NZD', latipayOrderId: 'S-not-signed' };
    expect((await notify(server, notification(order, 'paid', server.latipay.apiKey))).text).toBe('sent');
    expect((await getOrder(server, ref)).body.order).toMatchObject({ status: 'paid', latipayOrderId: null });
    const refused = await refund(server, ref, { amount: '0.01', reason: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'order_not_refundable', message: expect.stringContaining('refresh=true') });
    // Our own query to Latipay fills it in, and the refund goes through.
    expect((await getOrder(server, ref, true)).body.order.latipayOrderId).toBe(atLatipay.orderId);
    expect((await refund(server, ref, { amount: '0.01', reason: 'x' })).status).toBe(201);
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

/** The create answer of the stub: what a correct Latipay gives for the 0.01 test item. */
const GOOD_CREATE = { out_trade_no: 'S1', currency: 'NZD', total_fee: '0.01', orderId: 'S1' };

/** A stand-in for Latipay's live host whose answers are wrong in a chosen way. */
function stubLatipay(
  query: (ref: string) => Record<string, unknown>,
  create: typeof GOOD_CREATE = GOOD_CREATE,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/v2/minialipay') {
      const { orderId, ...gatewaydata } = create;
      res.end(JSON.stringify({ code: 0, message: 'SUCCESS', gatewaydata, paydata: { orderId, customerOrderId: 'C1' } }));
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

describe('create answers that must not be trusted', () => {
  it.each([
    ['another amount', { ...GOOD_CREATE, total_fee: '100.00' }, 'total_fee'],
    ['another currency', { ...GOOD_CREATE, currency: 'CNY' }, 'currency'],
    ['another Latipay order', { ...GOOD_CREATE, out_trade_no: 'S2' }, 'out_trade_no'],
  ])('gatewaydata for %s gives 502 latipay_error and a create_failed order', async (_what, create, field) => {
    const stub = await stubLatipay(() => ({}), create);
    const server = await startTestServer({ env: { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: stub.url } });
    try {
      const res = await createOrder(server);
      expect(res.status).toBe(502);
      expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringContaining(field) });
      expect((await storedStatus(server)).status).toBe('create_failed');
    } finally {
      await server.close();
      await stub.close();
    }
  });
});

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
      const anomalies = await server.rows('SELECT kind FROM anomalies WHERE merchant_reference = ?', order.merchantReference);
      expect(anomalies).toEqual([{ kind: 'amount_mismatch' }]);
    } finally {
      await server.close();
      await stub.close();
    }
  });
});
