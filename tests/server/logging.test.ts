import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { addFault, adminHeaders, complete, createOrder, createdOrder, getOrder, notification, notify, refund, waitForStatus } from './helpers/shop';

const API_KEY = 'SECRET-API-KEY-never-logged-7f3a9c';
const ADMIN_TOKEN = 'SECRET-ADMIN-TOKEN-never-logged-1b2c3d';
const REASON = 'BODY-TEXT-never-logged';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { LATIPAY_USER_ID: 'U99887766', LATIPAY_WALLET_ID: 'W55443322', LATIPAY_API_KEY: API_KEY, ADMIN_TOKEN },
  });
});
afterAll(() => server.close());

describe('logs', () => {
  it('never contain the api key, the admin token, signatures or bodies, across a full flow', async () => {
    expect(server.latipay.apiKey).toBe(API_KEY);
    const order = await createdOrder(server, { productId: 'flat-white', quantity: 1 });
    await complete(server, order.merchantReference, 'paid');
    await waitForStatus(server, order.merchantReference, 'paid');
    const second = await createdOrder(server);
    await complete(server, second.merchantReference, 'paid', 'drop');
    await getOrder(server, second.merchantReference, true);
    await notify(server, notification(order, 'paid', 'forged-key'));
    await notify(server, notification(order, 'paid', API_KEY, { amount: '9.99' }));
    await refund(server, order.merchantReference, { amount: '1.00', reason: REASON }, { authorization: 'Bearer wrong-token' });
    expect((await refund(server, order.merchantReference, { amount: '1.00', reason: REASON }, adminHeaders(server))).status).toBe(201);
    await addFault(server, { endpoint: 'refund', kind: 'latipay_error', code: 206, message: 'wrong signature' });
    await refund(server, order.merchantReference, { amount: '1.00', reason: REASON }, { ...adminHeaders(server), 'idempotency-key': 'k' });
    await addFault(server, { endpoint: 'create', kind: 'malformed' });
    await createOrder(server);
    await http(`${server.url}/api/orders`, { raw: '{"broken', headers: { 'content-type': 'application/json' } });

    const text = server.logs.join('');
    expect(text).toContain('Latipay sandbox mode');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toContain('wrong-token');
    expect(text).not.toContain(REASON);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toMatch(/signature=/);
    expect(text).not.toContain('gatewaydata');
  });

  it('start with the mode line, and tie each request line to a request id', () => {
    const entries = server.logEntries();
    expect(entries[0]).toMatchObject({ msg: expect.stringMatching(/^Latipay sandbox mode: .*; listening at http:/) });
    expect(entries[1]).toMatchObject({ mode: 'sandbox', msg: expect.stringContaining('Latipay sandbox at') });
    const requestLines = entries.filter((e) => e.msg === 'incoming request' || e.msg === 'request completed');
    expect(requestLines.length).toBeGreaterThan(10);
    for (const line of requestLines) expect(line.reqId).toEqual(expect.any(String));
    // A successful Latipay call is on its request's line, not a line of its own.
    const created = entries.find((e) => e.msg === 'request completed' && (e.req as { url: string }).url === '/api/orders' && (e.res as { statusCode: number }).statusCode === 201);
    expect(created?.latipay).toEqual({ operation: 'create', ms: expect.any(Number), httpStatus: 200, code: 0 });
    expect(entries.filter((e) => e.msg === 'Latipay answered').every((e) => (e.latipay as { code: unknown }).code !== 0)).toBe(true);
    // So is what a payment result did: the notification's line, and the refresh's with its query.
    const completed = (url: string) => entries.filter((e) => e.msg === 'request completed' && (e.req as { url: string }).url === url);
    expect(completed('/api/latipay/notify').map((e) => e.payment)).toContainEqual({
      merchantReference: expect.any(String), source: 'notify', latipayStatus: 'paid', outcome: 'applied', status: 'paid',
    });
    const refreshed = entries.find((e) => e.msg === 'request completed' && (e.payment as { source?: string } | undefined)?.source === 'query');
    expect(refreshed).toMatchObject({ latipay: { operation: 'query', httpStatus: 200, code: 0 }, payment: { outcome: 'applied', status: 'paid' } });
    expect(entries.some((e) => e.msg === 'payment result processed')).toBe(false);
  });
});
