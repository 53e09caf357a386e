import { ALIPAY_SANDBOX_DEV, startAlipaySandbox, type RunningAlipaySandbox } from '../../server/alipay-sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { closedPortUrl, http } from './helpers/http';
import { complete, createOrder, createdOrder, getOrder, shopperHeaders } from './helpers/shop';

const signIn = (server: TestServer, authCode: unknown) => http(`${server.url}/api/session`, { json: { authCode } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('POST /api/session against the in-process Alipay stand-in', () => {
  it('signs a sandbox:<name> code in as the same buyer every time, with a token that expires in SESSION_TTL_S', async () => {
    const first = await signIn(server, 'sandbox:alice');
    const again = await signIn(server, 'sandbox:alice');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String), buyer: { id: expect.any(String) } });
    expect(again.body.buyer.id).toBe(first.body.buyer.id);
    expect(again.body.token).not.toBe(first.body.token);
    const ttlMs = Date.parse(first.body.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);
  });

  it("signs a one-time code in as a new buyer once, then refuses it as Alipay does (400 invalid_auth_code)", async () => {
    const code = `one-time-${Date.now()}`;
    const first = await signIn(server, code);
    expect(first.status).toBe(201);
    const reused = await signIn(server, code);
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_auth_code');
    expect((await signIn(server, `${code}-other`)).body.buyer.id).not.toBe(first.body.buyer.id);
  });

  it('takes user_id when the answer has no open_id', async () => {
    const res = await signIn(server, 'sandbox-user-id:bob');
    expect(res.body.buyer.id).toMatch(/^2088\d{12}$/);
  });

  it('refuses a body without a code with 400', async () => {
    for (const authCode of [undefined, '', 42, 'x'.repeat(257)]) expect((await signIn(server, authCode)).status).toBe(400);
  });

  it('stores only a hash of the token, and never logs the token', async () => {
    const { body } = await signIn(server, 'sandbox:carol');
    const rows = await server.rows<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(rows.some((row) => row.token_hash === body.token)).toBe(false);
    expect((await http(`${server.url}/api/orders`, { headers: bearer(body.token) })).status).toBe(200);
    expect(server.logs.some((line) => line.includes(body.token))).toBe(false);
  });
});

describe('buyer routes need a session', () => {
  it('answer 401 unauthorized without a token, or with a malformed, unknown or non-Bearer one', async () => {
    const order = await createdOrder(server);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer not a token' },
      { authorization: `Bearer ${'A'.repeat(43)}` },
      { authorization: `Basic ${'A'.repeat(43)}` },
    ];
    for (const headers of attempts) {
      for (const res of [
        await http(`${server.url}/api/orders/${order.merchantReference}`, { headers }),
        await http(`${server.url}/api/orders`, { headers }),
        await http(`${server.url}/api/orders`, { json: { productId: 'test-item', quantity: 1 }, headers }),
        await http(`${server.url}/api/sandbox/orders/${order.merchantReference}/settle`, { json: { action: 'pay' }, headers }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
    expect((await http(`${server.url}/api/products`)).status).toBe(200);
  });

  it('end at once when their row is deleted (a session is never remembered by the server), even in a burst', async () => {
    const { body } = await signIn(server, 'sandbox:erin');
    const [other] = await Promise.all([signIn(server, 'sandbox:frank'), http(`${server.url}/api/orders`, { headers: bearer(body.token) })]);
    const burst = () => Promise.all(Array.from({ length: 20 }, (_, i) => http(`${server.url}/api/orders`, { headers: bearer(i % 2 ? body.token : other.body.token) })));
    expect((await burst()).map((res) => res.status)).toEqual(Array.from({ length: 20 }, () => 200));
    await server.rows('DELETE FROM sessions WHERE buyer_id = ? RETURNING token_hash', body.buyer.id);
    // Erin's requests are refused, Frank's still served, all asked for together.
    expect((await burst()).map((res) => res.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 401 : 200)));
  });
});

describe('buyer isolation', () => {
  it("B can neither read, refresh, list nor pay A's order, nor get A's gatewaydata with A's Idempotency-Key", async () => {
    const a = await createOrder(server, undefined, { 'idempotency-key': 'a-checkout' }, 'shopper-a');
    const ref = a.body.order.merchantReference;
    expect((await getOrder(server, ref, false, 'shopper-b')).status).toBe(404);
    expect((await getOrder(server, ref, true, 'shopper-b')).status).toBe(404);
    const listed = await http(`${server.url}/api/orders`, { headers: await shopperHeaders(server, 'shopper-b') });
    expect(listed.body.orders.map((o: { merchantReference: string }) => o.merchantReference)).not.toContain(ref);
    const paid = await http(`${server.url}/api/sandbox/orders/${ref}/settle`, { json: { action: 'pay' }, headers: await shopperHeaders(server, 'shopper-b') });
    expect(paid.status).toBe(404);
    const replay = await createOrder(server, undefined, { 'idempotency-key': 'a-checkout' }, 'shopper-b');
    expect(replay.body.order.merchantReference).not.toBe(ref);
    expect(replay.body.gatewaydata).not.toEqual(a.body.gatewaydata);
    expect((await getOrder(server, ref, false, 'shopper-a')).body.order.status).toBe('pending');
  });
});

describe('session expiry', () => {
  it('answers 401 once SESSION_TTL_S has passed; signing in again works, and expired rows are deleted', async () => {
    const short = await startTestServer({ env: { SESSION_TTL_S: '1' } });
    try {
      const { body } = await signIn(short, 'sandbox:dora');
      const order = await createdOrder(short, undefined, bearer(body.token));
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await http(`${short.url}/api/orders/${order.merchantReference}`, { headers: bearer(body.token) });
      expect(expired.status).toBe(401);
      const again = await signIn(short, 'sandbox:dora');
      await complete(short, order.merchantReference, 'paid');
      expect((await http(`${short.url}/api/orders/${order.merchantReference}`, { headers: bearer(again.body.token) })).status).toBe(200);
      const rows = await short.rows<{ token_hash: string }>('SELECT token_hash FROM sessions');
      expect(rows).toHaveLength(1);
    } finally {
      await short.close();
    }
  });
});

describe('a configured Alipay app (ALIPAY_APP_ID set)', () => {
  let gateway: RunningAlipaySandbox;
  beforeAll(async () => {
    gateway = await startAlipaySandbox({ appId: '2021004100000002' });
  });
  afterAll(() => gateway.close());

  const alipayEnv = (gatewayUrl: string, appId = '2021004100000002') => ({
    ALIPAY_APP_ID: appId,
    ALIPAY_PRIVATE_KEY: ALIPAY_SANDBOX_DEV.appPrivateKey,
    ALIPAY_PUBLIC_KEY: ALIPAY_SANDBOX_DEV.alipayPublicKey,
    ALIPAY_GATEWAY_URL: gatewayUrl,
  });

  it('signs in through the configured gateway, and mounts no stand-in', async () => {
    const live = await startTestServer({ env: alipayEnv(gateway.gateway) });
    try {
      const res = await signIn(live, 'sandbox:erin');
      expect(res.status).toBe(201);
      // An open_id is per app, as Alipay's are: the same shopper, another app, another id.
      expect((await signIn(live, 'sandbox:erin')).body.buyer.id).toBe(res.body.buyer.id);
      expect((await signIn(server, 'sandbox:erin')).body.buyer.id).not.toBe(res.body.buyer.id);
      expect((await http(`${live.url}/alipay-sandbox/gateway.do`, { form: {} })).status).toBe(404);
    } finally {
      await live.close();
    }
  });

  it('answers 502 alipay_error when Alipay refuses the app (another app id), and 503 when it cannot be reached', async () => {
    const refused = await startTestServer({ env: alipayEnv(gateway.gateway, '2021004100000003') });
    const down = await startTestServer({ env: alipayEnv(`${await closedPortUrl()}/gateway.do`) });
    try {
      const a = await signIn(refused, 'sandbox:frank');
      expect(a.status).toBe(502);
      expect(a.body.error.code).toBe('alipay_error');
      const b = await signIn(down, 'sandbox:frank');
      expect(b.status).toBe(503);
      expect(b.body.error.code).toBe('alipay_unavailable');
      for (const line of [...refused.logs, ...down.logs]) expect(line).not.toContain('PRIVATE KEY');
      // The merchant learns why from the log: Alipay's sub_code, never the code or a key.
      expect(refused.logEntries()).toContainEqual(
        expect.objectContaining({ msg: 'Alipay sign-in failed', alipay: expect.objectContaining({ kind: 'refused' }) }),
      );
      expect(refused.logs.some((line) => line.includes('sandbox:frank'))).toBe(false);
    } finally {
      await refused.close();
      await down.close();
    }
  });
});
