import type { SandboxCashierAction } from '../../server/contract';
import { IN_PROCESS_SANDBOX_PREFIX } from '../../server/app/sandbox/mount';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { createdOrder, getOrder, orderStatus, sandboxCalls, sandboxOrder, shopperHeaders, waitForStatus } from './helpers/shop';

const settleUrl = (server: TestServer, ref: string) => `${server.url}/api/sandbox/orders/${ref}/settle`;
const settle = async (server: TestServer, ref: string, body: unknown, shopper?: string) =>
  http(settleUrl(server, ref), { json: body, headers: await shopperHeaders(server, shopper) });

const notificationsOf = (server: TestServer, ref: string) =>
  server.rows<{ source: string; status: string; outcome: string }>('SELECT source, status, outcome FROM payment_results WHERE merchant_reference = ? ORDER BY id',
    ref,
  );

describe('POST /api/sandbox/orders/{ref}/settle (sandbox mode)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('mounts the sandbox where the cashier route expects it', () => {
    expect(server.sandboxUrl).toBe(`${server.url}${IN_PROCESS_SANDBOX_PREFIX}`);
  });

  it('pay: the order is paid at the sandbox, its notification reaches the server, 9000', async () => {
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, { action: 'pay' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resultCode: '9000', order: expect.objectContaining({ merchantReference: order.merchantReference }) });
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('paid');
    await waitForStatus(server, order.merchantReference, 'paid');
    expect(await notificationsOf(server, order.merchantReference)).toEqual([{ source: 'notify', status: 'paid', outcome: 'applied' }]);
  });

  it('fail: the order fails at the sandbox and on the server, 4000', async () => {
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, { action: 'fail' });
    expect(res.body.resultCode).toBe('4000');
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('failed');
    await waitForStatus(server, order.merchantReference, 'failed');
  });

  it('processing: paid at the sandbox, the notification comes a retry interval later, 8000', async () => {
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, { action: 'processing' });
    expect(res.body.resultCode).toBe('8000');
    expect(res.body.order.status).toBe('pending');
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('paid');
    await waitForStatus(server, order.merchantReference, 'paid');
    expect(await notificationsOf(server, order.merchantReference)).toEqual([{ source: 'notify', status: 'paid', outcome: 'applied' }]);
  });

  it('unknown: paid at the sandbox without a notification; the server learns it by asking, 6004', async () => {
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, { action: 'unknown' });
    expect(res.body.resultCode).toBe('6004');
    const atSandbox = await sandboxOrder(server, order.merchantReference);
    expect(atSandbox).toMatchObject({ status: 'paid', notifications: [] });
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('paid');
    expect(await notificationsOf(server, order.merchantReference)).toEqual([{ source: 'query', status: 'paid', outcome: 'applied' }]);
  });

  it.each<[SandboxCashierAction, string]>([
    ['cancel', '6001'],
    ['network_error', '6002'],
  ])('%s: nothing changes anywhere, %s, and the order can still be paid', async (action, code) => {
    const order = await createdOrder(server);
    const before = await sandboxCalls(server);
    const res = await settle(server, order.merchantReference, { action });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resultCode: code, order });
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('pending');
    expect(await sandboxCalls(server)).toEqual(before);
    expect((await settle(server, order.merchantReference, { action: 'pay' })).body.resultCode).toBe('9000');
  });

  it.each<[string, unknown]>([
    ['an unknown action', { action: 'refund' }],
    ['no action', {}],
    ['an extra field', { action: 'pay', status: 'paid' }],
    ['an array', ['pay']],
    ['a string', 'pay'],
  ])('refuses %s with 400 invalid_request, changing nothing', async (_what, body) => {
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('pending');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const order = await createdOrder(server);
    const headers = { ...(await shopperHeaders(server)), 'content-type': 'application/x-www-form-urlencoded' };
    const res = await http(settleUrl(server, order.merchantReference), { raw: 'action=pay', headers });
    expect(res.status).toBe(415);
  });

  it.each(['Mnosuchorder', 'not a reference!'])('answers 404 not_found for an order it does not have (%s)', async (ref) => {
    const res = await settle(server, encodeURIComponent(ref), { action: 'pay' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 409 order_not_pending for an order that is no longer pending', async () => {
    const order = await createdOrder(server);
    await settle(server, order.merchantReference, { action: 'pay' });
    await waitForStatus(server, order.merchantReference, 'paid');
    const res = await settle(server, order.merchantReference, { action: 'fail' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'order_not_pending', message: expect.stringContaining('paid') });
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('paid');
  });

  it('answers 409 order_not_pending when the sandbox settled the order before the server heard of it', async () => {
    const order = await createdOrder(server);
    await http(`${server.sandboxUrl}/sandbox/orders/${order.merchantReference}/complete`, { json: { status: 'paid', notification: 'drop' } });
    const res = await settle(server, order.merchantReference, { action: 'fail' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('order_not_pending');
    expect((await sandboxOrder(server, order.merchantReference)).status).toBe('paid');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
  });

  it('logs the action and the code, never a body', async () => {
    const order = await createdOrder(server);
    await settle(server, order.merchantReference, { action: 'cancel' });
    const line = server.logEntries().find((e) => e.msg === 'sandbox cashier' && e.merchantReference === order.merchantReference);
    expect(line).toMatchObject({ action: 'cancel', resultCode: '6001' });
  });
});

describe('the sandbox cashier after a restart', () => {
  it('pays an order created before the restart: the in-process sandbox keeps its orders beside the database', async () => {
    let server = await startTestServer();
    try {
      const order = await createdOrder(server);
      server = await server.restart();
      const res = await settle(server, order.merchantReference, { action: 'pay' });
      expect(res.status).toBe(200);
      expect(res.body.resultCode).toBe('9000');
      await waitForStatus(server, order.merchantReference, 'paid');
    } finally {
      await server.close();
    }
  });

  it('refreshes an order created before the restart, and its paid result is learned by asking', async () => {
    let server = await startTestServer();
    try {
      const order = await createdOrder(server);
      server = await server.restart();
      await http(`${server.sandboxUrl}/sandbox/orders/${order.merchantReference}/complete`, {
        json: { status: 'paid', notification: 'drop' },
      });
      const refreshed = await getOrder(server, order.merchantReference, true);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.order.status).toBe('paid');
    } finally {
      await server.close();
    }
  });

  it('SANDBOX_DATABASE_PATH=:memory: forgets orders on a restart, as a test may want: 502', async () => {
    let server = await startTestServer({ env: { SANDBOX_DATABASE_PATH: ':memory:' } });
    try {
      const order = await createdOrder(server);
      server = await server.restart();
      const res = await settle(server, order.merchantReference, { action: 'pay' });
      expect(res.status).toBe(502);
      expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringContaining('does not know this order') });
      expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    } finally {
      await server.close();
    }
  });
});

describe('live mode (LATIPAY_BASE_URL set)', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  beforeAll(async () => {
    sandbox = await startSandbox({ retryMs: 50, maxAttempts: 3 });
    server = await startTestServer({
      env: {
        LATIPAY_BASE_URL: sandbox.url,
        LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
        LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
        LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await sandbox.close();
  });

  it('has no sandbox cashier: the route does not exist and nothing is settled', async () => {
    expect(server.mode).toBe('live');
    const order = await createdOrder(server);
    const res = await settle(server, order.merchantReference, { action: 'pay' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const atLatipay = await http(`${sandbox.url}/sandbox/orders/${order.merchantReference}`);
    expect(atLatipay.body.order.status).toBe('pending');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
  });
});

describe('npm start', () => {
  it('says how to point the Alipay IDE at the API', async () => {
    const server = await startTestServer();
    try {
      const hint = server.logEntries().find((e) => typeof e.msg === 'string' && e.msg.startsWith('Alipay IDE:'));
      expect(hint?.msg).toContain(`API_BASE_URLS.develop in config/env.ts to ${server.url}`);
      expect(hint?.msg).toContain('忽略 httpRequest 域名合法性检查');
    } finally {
      await server.close();
    }
  });
});
