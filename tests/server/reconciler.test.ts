/**
 * The reconciler: a background job that asks Latipay about orders nobody came back for, so an
 * order paid with its notification lost becomes paid without any shopper refreshing it. Its
 * intervals are milliseconds here; RECONCILE_MAX_QPS bounds its pace.
 */
import type { OrderStatus } from '../../server/contract';
import { firstCheckAt, nextCheckAt } from '../../server/app/services/reconciler-schedule';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox } from '../../server/sandbox';
import { createTestDatabase } from '../support/postgres';
import { startTestServer, type TestServer } from '../support/server';
import { testStorage } from '../support/test-storage';
import { waitFor } from '../support/wait';
import { closedPortUrl, http } from './helpers/http';
import { maxInWindow, startLatipayProxy, type LatipayProxy } from './helpers/latipay-proxy';
import { scrape } from './helpers/prometheus';
import { addFault, complete, createOrder, createdOrder, getOrder, refund, sandboxOrder } from './helpers/shop';

const METRICS_TOKEN = 'reconciler-metrics-token';
const LIVE_CREDENTIALS = {
  LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
  LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
  LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
};
/** Checks 100, 200 and 400 ms after creation, then every 300 ms. */
const FAST = { RECONCILE_MAX_QPS: '100', RECONCILE_SCHEDULE_MS: '100,200,400', RECONCILE_REPEAT_MS: '300' };

interface CheckRow {
  status: string;
  checks: number;
  next_check_at: string | null;
  lease_until: string | null;
  latipay_order_id: string | null;
}
const checkRow = async (server: TestServer, reference: string): Promise<CheckRow> =>
  (await server.rows<CheckRow>('SELECT status, checks, next_check_at, lease_until, latipay_order_id FROM orders WHERE merchant_reference = ?', reference))[0];

/**
 * Waits until the order's row has `status` and no instance holds it (the check that changed it
 * is over), reading the database: nobody asks the API to refresh.
 */
const waitForRow = (server: TestServer, reference: string, status: string, timeoutMs = 8000) =>
  waitFor(async () => {
    const row = await checkRow(server, reference);
    return row.status === status && row.lease_until === null ? row : undefined;
  }, { timeoutMs, description: `order ${reference} ${status}` });

describe('orders whose notification was lost', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...FAST, METRICS_TOKEN } });
  });
  afterAll(() => server.close());

  it('become paid with no refresh: the reconciler asks Latipay, then stops asking', async () => {
    const orders = await Promise.all([1, 2, 3].map(() => createdOrder(server)));
    for (const order of orders) {
      expect(await checkRow(server, order.merchantReference)).toMatchObject({ status: 'pending', checks: 0, next_check_at: expect.any(String) });
      await complete(server, order.merchantReference, 'paid', 'drop');
    }
    for (const order of orders) {
      const row = await waitForRow(server, order.merchantReference, 'paid');
      expect(row).toMatchObject({ next_check_at: null, lease_until: null, latipay_order_id: order.latipayOrderId });
      expect(row.checks).toBeGreaterThanOrEqual(1);
      const events = await server.rows<{ kind: string; actor: string }>(
        "SELECT kind, actor FROM events WHERE merchant_reference = ? AND kind = 'latipay_queried'",
        order.merchantReference,
      );
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.every((event) => event.actor === 'reconciler')).toBe(true);
      // Nothing ever reached the server from Latipay about it: the sandbox dropped the notification.
      expect((await sandboxOrder(server, order.merchantReference)).notifications).toEqual([]);
    }
    // The API says paid on a plain read.
    expect((await getOrder(server, orders[0].merchantReference)).body.order.status).toBe('paid');

    const metrics = await scrape(server.url, METRICS_TOKEN);
    expect(metrics.value('shop_reconciler_changes_total', { status: 'paid' })).toBe(3);
    expect(metrics.value('shop_reconciler_queries_total', { result: 'paid' })).toBe(3);

    // Paid with its Latipay order id: no more checks, however long one waits.
    const checks = (await checkRow(server, orders[0].merchantReference)).checks;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await checkRow(server, orders[0].merchantReference)).checks).toBe(checks);
  });

  it('a failed order is still asked about, and turns paid when Latipay says it was paid late', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'failed', 'drop');
    const failed = await waitForRow(server, order.merchantReference, 'failed');
    expect(failed.next_check_at).not.toBeNull();
    await complete(server, order.merchantReference, 'paid', 'drop');
    expect(await waitForRow(server, order.merchantReference, 'paid')).toMatchObject({ next_check_at: null });
  });

  it('an order still unpaid is asked about along the schedule, then at the repeat interval', async () => {
    const order = await createdOrder(server);
    const row = await waitFor(async () => {
      const r = await checkRow(server, order.merchantReference);
      return r.checks >= 4 ? r : undefined;
    }, { timeoutMs: 5000, description: 'four checks' });
    expect(row.status).toBe('pending');
    // The fifth check is due one repeat (300 ms) after the fourth at 400 + 300 ms.
    const created = Date.parse((await getOrder(server, order.merchantReference)).body.order.createdAt);
    expect(Date.parse(row.next_check_at!) - created).toBeGreaterThanOrEqual(700);
  });
});

describe('a failed order past RECONCILE_FAILED_WINDOW_MS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...FAST, RECONCILE_FAILED_WINDOW_MS: '600' } });
  });
  afterAll(() => server.close());

  it('is no longer asked about', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'failed', 'drop');
    await waitForRow(server, order.merchantReference, 'failed');
    const row = await waitFor(async () => {
      const r = await checkRow(server, order.merchantReference);
      return r.next_check_at === null ? r : undefined;
    }, { timeoutMs: 3000, description: 'checks ended' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await checkRow(server, order.merchantReference)).checks).toBe(row.checks);
  });
});

describe('an order whose create answer was lost', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...FAST, LATIPAY_TIMEOUT_MS: '300', METRICS_TOKEN } });
  });
  afterAll(() => server.close());

  it('is create_failed for the shopper, but paid once Latipay says so: with its Latipay order id, and refundable', async () => {
    // Latipay creates the order after our call has given up waiting.
    await addFault(server, { endpoint: 'create', kind: 'delay', delayMs: 800 });
    const res = await createOrder(server, { productId: 'flat-white', quantity: 1 });
    expect(res.status).toBe(504);
    const [row] = await server.rows<{ merchant_reference: string; status: string; next_check_at: string | null }>(
      'SELECT merchant_reference, status, next_check_at FROM orders ORDER BY id DESC LIMIT 1',
    );
    expect(row).toMatchObject({ status: 'create_failed', next_check_at: expect.any(String) });
    const reference = row.merchant_reference;

    // The shopper paid it anyway (the cashier had it from another try), and the notification was lost.
    await waitFor(async () => (await http(`${server.sandboxUrl}/sandbox/orders/${reference}`)).status === 200, { description: 'Latipay has the order' });
    await complete(server, reference, 'paid', 'drop');
    const latipayOrderId = (await sandboxOrder(server, reference)).orderId;
    expect(await waitForRow(server, reference, 'paid')).toMatchObject({ latipay_order_id: latipayOrderId, next_check_at: null });

    const refunded = await refund(server, reference, { amount: '1.00', reason: 'found by the reconciler' });
    expect(refunded.status).toBe(201);
    expect(refunded.body.order).toMatchObject({ status: 'partially_refunded', refundedAmount: '1.00' });
  });

  it('a paid notification first makes it paid without the order id; the reconciler then fills the id in', async () => {
    await addFault(server, { endpoint: 'create', kind: 'delay', delayMs: 800 });
    expect((await createOrder(server)).status).toBe(504);
    const [{ merchant_reference: reference }] = await server.rows<{ merchant_reference: string }>(
      'SELECT merchant_reference FROM orders ORDER BY id DESC LIMIT 1',
    );
    await waitFor(async () => (await http(`${server.sandboxUrl}/sandbox/orders/${reference}`)).status === 200, { description: 'Latipay has the order' });
    await complete(server, reference, 'paid', 'deliver');
    const latipayOrderId = (await sandboxOrder(server, reference)).orderId;
    const row = await waitFor(async () => {
      const r = await checkRow(server, reference);
      return r.status === 'paid' && r.latipay_order_id !== null ? r : undefined;
    }, { timeoutMs: 8000, description: 'paid with its order id' });
    expect(row).toMatchObject({ latipay_order_id: latipayOrderId, next_check_at: null });
  });
});

describe('an order whose create never reached Latipay', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...FAST, ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: await closedPortUrl() } });
  });
  afterAll(() => server.close());

  it('is never asked about', async () => {
    expect((await createOrder(server)).status).toBe(503);
    const rows = await server.rows<{ status: string; next_check_at: string | null }>('SELECT status, next_check_at FROM orders');
    expect(rows).toEqual([{ status: 'create_failed', next_check_at: null }]);
  });
});

/** A Latipay sandbox of its own, seen through a proxy that records every query. */
async function latipayBehindProxy(queryDelayMs = 0): Promise<{ sandbox: RunningSandbox; proxy: LatipayProxy }> {
  const sandbox = await startSandbox({ ...SANDBOX_DEV_CREDENTIALS, databasePath: ':memory:', retryMs: 50, maxAttempts: 2 });
  return { sandbox, proxy: await startLatipayProxy(sandbox.url, queryDelayMs) };
}

/** `count` orders created through the API, `parallel` at a time. */
async function createMany(server: TestServer, count: number, parallel = 25): Promise<string[]> {
  const references: string[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, () => createdOrder(server)));
    references.push(...batch.map((order) => order.merchantReference));
  }
  return references;
}

describe('a backlog of 1,000 stale orders', () => {
  const ORDERS = 1000;
  const MAX_QPS = 200;
  let server: TestServer;
  let latipay: { sandbox: RunningSandbox; proxy: LatipayProxy };
  beforeAll(async () => {
    latipay = await latipayBehindProxy();
  });
  afterAll(async () => {
    await server?.close();
    await latipay.proxy.close();
    await latipay.sandbox.close();
  });

  it(`drains at RECONCILE_MAX_QPS (${MAX_QPS}/s), not faster, each order queried once`, async () => {
    // Made while the reconciler was off (an outage): every order's first check is long due.
    const env = { ...LIVE_CREDENTIALS, LATIPAY_BASE_URL: latipay.proxy.url, RECONCILE_SCHEDULE_MS: '1', RECONCILE_REPEAT_MS: '3600000' };
    server = await startTestServer({ env: { ...env, RECONCILE_MAX_QPS: '0' } });
    await createMany(server, ORDERS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(latipay.proxy.queries).toHaveLength(0);

    server = await server.restart({ env: { ...env, RECONCILE_MAX_QPS: String(MAX_QPS) } });
    await waitFor(async () => {
      const [{ n }] = await server.rows<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE checks = 0');
      return Number(n) === 0;
    }, { timeoutMs: 30_000, intervalMs: 200, description: 'every order checked' });

    const queries = latipay.proxy.queries;
    expect(queries).toHaveLength(ORDERS);
    expect(new Set(queries.map((query) => query.reference)).size).toBe(ORDERS);
    const first = Math.min(...queries.map((query) => query.at));
    const last = Math.max(...queries.map((query) => query.at));
    const seconds = (last - first) / 1000;
    const busiestSecond = maxInWindow(queries, 1000);
    // Arrival times jitter by a few ms around the server's pace: 5% over the bound at most.
    expect(busiestSecond).toBeLessThanOrEqual(MAX_QPS * 1.05);
    // 1,000 queries at 200/s take (1,000 - 1) / 200 = 5 s at the least, and not much more.
    expect(seconds).toBeGreaterThanOrEqual(((ORDERS - 1) / MAX_QPS) * 0.97);
    expect(seconds).toBeLessThan((ORDERS / MAX_QPS) * 1.6);
    process.stdout.write(
      `reconciler backlog: ${ORDERS} queries in ${seconds.toFixed(2)} s (${(ORDERS / seconds).toFixed(1)}/s), busiest second ${busiestSecond}\n`,
    );
  }, 90_000);
});

// Two instances on one database is how PostgreSQL is deployed; on SQLite one process owns the
// file (and recovers, at start, whatever it finds in progress), so the test runs on PostgreSQL.
if (testStorage() === 'postgres') {
  describe('two instances on one PostgreSQL database', () => {
    const ORDERS = 150;
    let database: { url: string; drop(): Promise<void> };
    let latipay: { sandbox: RunningSandbox; proxy: LatipayProxy };
    const servers: TestServer[] = [];
    beforeAll(async () => {
      database = await createTestDatabase();
      // Each query is held 20 ms on its way: two instances querying one order would overlap.
      latipay = await latipayBehindProxy(20);
    });
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.close()));
      await latipay.proxy.close();
      await latipay.sandbox.close();
      await database.drop();
    });

    it('never query the same order at once, and share the work', async () => {
      const env = {
        ...LIVE_CREDENTIALS,
        DATABASE_URL: database.url,
        LATIPAY_BASE_URL: latipay.proxy.url,
        RECONCILE_MAX_QPS: '150',
        RECONCILE_SCHEDULE_MS: '50,100,150',
        RECONCILE_REPEAT_MS: '200',
        METRICS_TOKEN,
      };
      servers.push(await startTestServer({ env }), await startTestServer({ env }));
      await createMany(servers[0], ORDERS);
      // Every order is due every 200 ms: both instances keep claiming the same rows for 3 s.
      await waitFor(async () => {
        const [{ n }] = await servers[0].rows<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE checks < 6');
        return Number(n) === 0;
      }, { timeoutMs: 30_000, intervalMs: 100, description: 'every order checked six times' });

      expect(latipay.proxy.queries.length).toBeGreaterThanOrEqual(ORDERS * 6);
      expect(latipay.proxy.maxConcurrentPerReference()).toBe(1);
      const perInstance = await Promise.all(
        servers.map(async (server) => (await scrape(server.url, METRICS_TOKEN)).sum('shop_reconciler_queries_total')),
      );
      expect(perInstance.every((queries) => queries > ORDERS / 10)).toBe(true);
    }, 60_000);
  });

  describe('an instance on PostgreSQL, while it runs', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ env: { RECOVER_INTERRUPTED_EVERY_MS: '200', RECONCILE_MAX_QPS: '0' } });
    });
    afterAll(() => server.close());

    it('finds what a stopped instance left half done: an order left creating fails, a refund left pending is held', async () => {
      const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
      await server.rows(
        `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status, created_at, updated_at)
         VALUES ('Mleftcreating', NULL, 'test-item', 'Test item', 1, 1, 'NZD', 'creating', ?, ?), ('Mleftrefunding', NULL, 'test-item', 'Test item', 1, 100, 'NZD', 'paid', ?, ?)
         RETURNING id`,
        longAgo, longAgo, longAgo, longAgo,
      );
      await server.rows(
        `INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
         VALUES ('Rleftpending', 'Mleftrefunding', 50, 'crash', 'pending', ?, ?) RETURNING id`,
        longAgo, longAgo,
      );
      await waitFor(async () => (await checkRow(server, 'Mleftcreating')).status === 'create_failed', { timeoutMs: 3000, description: 'order failed' });
      await waitFor(
        async () => (await server.rows<{ status: string }>("SELECT status FROM refunds WHERE id = 'Rleftpending'"))[0].status === 'unknown',
        { timeoutMs: 3000, description: 'refund held' },
      );
      expect(await server.rows("SELECT kind, actor FROM events WHERE merchant_reference = 'Mleftcreating'")).toEqual([
        { kind: 'create_interrupted', actor: 'system' },
      ]);
    });
  });
}

describe('the schedule', () => {
  const rules = {
    reconcile: { scheduleMs: [60_000, 120_000, 300_000], repeatMs: 3_600_000, failedWindowMs: 86_400_000 },
    expiresAfterMs: 13 * 3_600_000,
  };
  const created = Date.parse('2026-01-01T00:00:00.000Z');
  const order = (status: OrderStatus, latipayOrderId: string | null = 'S1') => ({ status, created_at: new Date(created).toISOString(), latipay_order_id: latipayOrderId });
  const at = (ms: number) => new Date(created + ms).toISOString();

  it('follows the delays after creation, then the repeat interval, and ends at the expiry', () => {
    expect(firstCheckAt(new Date(created).toISOString(), rules)).toBe(at(60_000));
    expect(nextCheckAt(order('pending'), 1, created + 60_000, rules)).toBe(at(120_000));
    expect(nextCheckAt(order('pending'), 3, created + 300_000, rules)).toBe(at(3_900_000));
    expect(nextCheckAt(order('pending'), 14, created + 12.5 * 3_600_000, rules)).toBe(at(13 * 3_600_000));
    // Past its expiry, a pending order (whose last query got no answer) is asked again after the first delay.
    expect(nextCheckAt(order('pending'), 15, created + 13 * 3_600_000, rules)).toBe(at(13 * 3_600_000 + 60_000));
  });

  it('skips check times already past (after downtime) instead of catching up in a burst', () => {
    expect(nextCheckAt(order('pending'), 1, created + 5 * 3_600_000 + 1, rules)).toBe(at(5 * 3_600_000 + 300_000));
    expect(nextCheckAt(order('pending'), 0, created + 200_000, rules)).toBe(at(300_000));
  });

  it('asks about failed, create_failed and paid-without-order-id orders within the window only, and never about the rest', () => {
    expect(nextCheckAt(order('failed'), 3, created + 300_000, rules)).toBe(at(3_900_000));
    expect(nextCheckAt(order('create_failed', null), 1, created + 60_000, rules)).toBe(at(120_000));
    expect(nextCheckAt(order('paid', null), 1, created + 60_000, rules)).toBe(at(120_000));
    expect(nextCheckAt(order('failed'), 30, created + 23.5 * 3_600_000, rules)).toBeNull();
    for (const status of ['paid', 'refunded', 'partially_refunded', 'expired'] as const) {
      expect(nextCheckAt(order(status), 1, created + 60_000, rules)).toBeNull();
    }
  });
});
