import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { complete, createOrder, createdOrder, getOrder, notification, sandboxCalls, waitForStatus } from './helpers/shop';

/** The limits as shipped: the test defaults turn them off for the other suites. */
const DEFAULT_LIMITS = {
  RATE_LIMIT_ORDERS_PER_IP: undefined,
  RATE_LIMIT_ORDERS_PER_BUYER: undefined,
  RATE_LIMIT_SESSIONS_PER_IP: undefined,
  RATE_LIMIT_NOTIFY_REFUSALS_PER_IP: undefined,
  RATE_LIMIT_REFRESH_INTERVAL_MS: undefined,
  RATE_LIMIT_ADMIN_FAILURES_PER_IP: undefined,
};

/** Each request as if from its own client address, through the one proxy TRUST_PROXY=1 trusts. */
const from = (ip: string, headers: Record<string, string> = {}) => ({ ...headers, 'x-forwarded-for': ip });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { ...DEFAULT_LIMITS, TRUST_PROXY: '1' } });
});
afterAll(() => server.close());

describe('order creation limits (defaults: 10 a minute per buyer, 60 per address)', () => {
  it('refuses a buyer\'s 11th order in a minute with 429 rate_limited and Retry-After; other buyers go on', async () => {
    const address = from('198.51.100.1');
    for (let i = 0; i < 10; i += 1) expect((await createOrder(server, undefined, address, 'busy-buyer')).status).toBe(201);
    const before = (await sandboxCalls(server)).create;
    const refused = await createOrder(server, undefined, address, 'busy-buyer');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('orders from this buyer') } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await sandboxCalls(server)).create).toBe(before);
    expect((await createOrder(server, undefined, address, 'calm-buyer')).status).toBe(201);
  });

  it('refuses an address\'s 61st order in a minute, whoever the buyers; another address goes on', async () => {
    const ip = '198.51.100.2';
    for (let i = 0; i < 60; i += 1) {
      expect((await createOrder(server, undefined, from(ip), `shopper-${i % 6}`)).status).toBe(201);
    }
    const refused = await createOrder(server, undefined, from(ip), 'shopper-6');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('orders from this address');
    expect((await createOrder(server, undefined, from('198.51.100.3'), 'shopper-6')).status).toBe(201);
  });

  it("refuses a buyer over its limit before counting against the address, so one shopper cannot shut out the others", async () => {
    const small = await startTestServer({ env: { ...DEFAULT_LIMITS, RATE_LIMIT_ORDERS_PER_BUYER: '2', RATE_LIMIT_ORDERS_PER_IP: '5' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await createOrder(small, undefined, {}, 'eager')).status);
      expect(statuses).toEqual([201, 201, 429, 429, 429, 429, 429, 429, 429, 429]);
      expect((await createOrder(small, undefined, {}, 'patient')).status).toBe(201);
    } finally {
      await small.close();
    }
  });

  it('trusts only the proxy in front with TRUST_PROXY=1: a client cannot choose its address', async () => {
    const spoofing = { 'x-forwarded-for': '6.6.6.6, 203.0.113.77' };
    expect((await createOrder(server, undefined, spoofing, 'spoofer')).status).toBe(201);
    const line = server.logEntries().find((e) => (e.req as { url?: string } | undefined)?.url === '/api/orders' && (e.req as { remoteAddress?: string }).remoteAddress !== '127.0.0.1' && JSON.stringify(e).includes('203.0.113.77'));
    expect(line).toBeDefined();
    expect(server.logs.some((l) => l.includes('6.6.6.6'))).toBe(false);
  });
});

describe('notification limits (default: 20 refusals a minute per address)', () => {
  it('answers 429 to badly signed notifications past the burst, never to a correctly signed one, with throttled warnings', async () => {
    const ip = '198.51.100.10';
    const order = await createdOrder(server, undefined, from('198.51.100.9'));
    const forged = notification(order, 'paid', 'not-the-api-key');
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const res = await http(`${server.url}/api/latipay/notify`, { form: forged, headers: from(ip) });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('rate_limited');
    }
    expect(statuses.slice(0, 20).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // Signed for an unknown order: refused (404) and counted, but never limited.
    const ghost = notification({ ...order, merchantReference: 'Mghost' }, 'paid', server.latipay.apiKey);
    expect((await http(`${server.url}/api/latipay/notify`, { form: ghost, headers: from(ip) })).status).toBe(404);
    const good = await http(`${server.url}/api/latipay/notify`, { form: notification(order, 'paid', server.latipay.apiKey), headers: from(ip) });
    expect(good.text).toBe('sent');
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('paid');
    const warnings = server.logEntries().filter((e) => e.msg === 'notification with an invalid signature refused');
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
  });
});

describe('refresh limit (default: one Latipay query per order every 2 s)', () => {
  it('makes one Latipay query for many refreshes of one order, then another after the interval', async () => {
    const order = await createdOrder(server, undefined, from('198.51.100.20'));
    const before = (await sandboxCalls(server)).query;
    const burst = await Promise.all(Array.from({ length: 20 }, () => getOrder(server, order.merchantReference, true)));
    for (let i = 0; i < 10; i += 1) burst.push(await getOrder(server, order.merchantReference, true));
    expect(burst.every((res) => res.status === 200 && res.body.order.status === 'pending')).toBe(true);
    expect((await sandboxCalls(server)).query).toBe(before + 1);
    // Paid meanwhile without a notification: the next query after the interval finds it.
    await complete(server, order.merchantReference, 'paid', 'drop');
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('paid');
    expect((await sandboxCalls(server)).query).toBe(before + 2);
  });
});

describe('admin lockout (default: 10 wrong tokens a minute per address)', () => {
  it('locks an address out after 10 wrong tokens, even with the right one; another address is unaffected', async () => {
    const anomalies = (ip: string, token: string) =>
      http(`${server.url}/api/admin/anomalies`, { headers: from(ip, { authorization: `Bearer ${token}` }) });
    const attacker = '198.51.100.30';
    for (let i = 0; i < 10; i += 1) expect((await anomalies(attacker, `wrong-token-${i}-xxxxxxxx`)).status).toBe(401);
    const locked = await anomalies(attacker, server.adminToken!);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await anomalies('198.51.100.31', server.adminToken!)).status).toBe(200);
    const refusals = server.logEntries().filter((e) => e.refused === 'wrong or missing admin token');
    expect(refusals).toHaveLength(10);
    expect(refusals.every((e) => (e.req as { remoteAddress: string }).remoteAddress === attacker)).toBe(true);
    expect(server.logs.some((l) => l.includes('wrong-token-'))).toBe(false);
  });
});

describe('sign-in limit (default: 30 a minute per address)', () => {
  it('refuses an address\'s 31st sign-in in a minute; another address goes on', async () => {
    const signIn = (ip: string, i: number) =>
      http(`${server.url}/api/session`, { json: { authCode: `sandbox:login-${i}` }, headers: from(ip) });
    for (let i = 0; i < 30; i += 1) expect((await signIn('198.51.100.40', i)).status).toBe(201);
    const refused = await signIn('198.51.100.40', 30);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect((await signIn('198.51.100.41', 30)).status).toBe(201);
  });
});

describe('0 turns a limit off', () => {
  it('lets one buyer order as often as it likes with RATE_LIMIT_ORDERS_PER_BUYER=0', async () => {
    const open = await startTestServer({ env: { ...DEFAULT_LIMITS, RATE_LIMIT_ORDERS_PER_BUYER: '0' } });
    try {
      for (let i = 0; i < 15; i += 1) expect((await createOrder(open, undefined, {}, 'collector')).status).toBe(201);
      const order = await createdOrder(open);
      await complete(open, order.merchantReference, 'paid');
      await waitForStatus(open, order.merchantReference, 'paid');
    } finally {
      await open.close();
    }
  });
});
