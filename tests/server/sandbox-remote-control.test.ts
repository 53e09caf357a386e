import { isLocalPeer } from '../../server/app/sandbox/local-only';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { createdOrder, getOrder, shopperHeaders } from './helpers/shop';

/** What a tunnel or reverse proxy on this machine adds when it relays a remote peer. */
const RELAYED = { 'x-forwarded-for': '203.0.113.9' };

describe("the in-process sandbox's control API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers this machine', async () => {
    expect((await http(`${server.sandboxUrl}/sandbox/stats`)).status).toBe(200);
  });

  it('refuses a peer that is not this machine with 403, for every control route', async () => {
    const order = await createdOrder(server);
    const attempts = [
      http(`${server.sandboxUrl}/sandbox/orders`, { headers: RELAYED }),
      http(`${server.sandboxUrl}/sandbox/orders/${order.merchantReference}/complete`, { json: { status: 'paid' }, headers: RELAYED }),
      http(`${server.sandboxUrl}/sandbox/faults`, { json: { endpoint: 'refund', kind: 'http_500' }, headers: RELAYED }),
      http(`${server.sandboxUrl}/sandbox/orders`, { headers: { forwarded: 'for=203.0.113.9' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('SANDBOX_REMOTE_CONTROL=1') } });
    }
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('pending');
  });

  it('refuses the shopper-facing sandbox cashier to a relayed peer too, X-Real-IP included', async () => {
    const order = await createdOrder(server);
    const session = await shopperHeaders(server);
    const settle = (headers: Record<string, string>) =>
      http(`${server.url}/api/sandbox/orders/${order.merchantReference}/settle`, { json: { action: 'pay' }, headers: { ...session, ...headers } });
    const relays: Record<string, string>[] = [RELAYED, { 'x-real-ip': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }];
    for (const headers of relays) {
      const res = await settle(headers);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('pending');
    expect((await http(`${server.sandboxUrl}/sandbox/stats`, { headers: { 'x-real-ip': '203.0.113.9' } })).status).toBe(403);
    expect((await settle({})).status).toBe(200);
  });

  it("leaves Latipay's own endpoints open", async () => {
    const res = await http(`${server.sandboxUrl}/v2/minialipay`, { json: {}, headers: RELAYED });
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(204);
  });

  it('answers any peer with SANDBOX_REMOTE_CONTROL=1', async () => {
    const open = await startTestServer({ env: { SANDBOX_REMOTE_CONTROL: '1' } });
    try {
      expect((await http(`${open.sandboxUrl}/sandbox/stats`, { headers: RELAYED })).status).toBe(200);
      const order = await createdOrder(open);
      const settled = await http(`${open.url}/api/sandbox/orders/${order.merchantReference}/settle`, {
        json: { action: 'cancel' },
        headers: { ...(await shopperHeaders(open)), ...RELAYED },
      });
      expect(settled.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('isLocalPeer', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.2', '127.0.0.1', true],
    ['::1', '::1', true],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1', true],
    // A client on this machine calling the LAN address the server listens on.
    ['192.0.2.2', '192.0.2.2', true],
    ['::ffff:192.0.2.2', '192.0.2.2', true],
    ['192.0.2.7', '192.0.2.2', false],
    ['::ffff:192.0.2.7', '::ffff:127.0.0.1', false],
    ['2001:db8::7', '2001:db8::1', false],
    [undefined, '127.0.0.1', false],
  ])('%s reaching %s: %s', (remote, local, expected) => {
    expect(isLocalPeer(remote, local)).toBe(expected);
  });
});
