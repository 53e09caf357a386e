/**
 * Expiry: an order still unpaid ORDER_EXPIRES_AFTER_S after creation gets one last query from
 * the reconciler and, still unpaid, becomes `expired`. Money Latipay reports later still makes
 * it paid, recorded as the anomaly `paid_after_expiry`.
 */
import { loadConfig } from '../../server/app/config/config';
import { startTestServer, type TestServer } from '../support/server';
import { waitFor } from '../support/wait';
import { http } from './helpers/http';
import { adminHeaders, addFault, complete, createdOrder, getOrder, notification, notify, sandboxCalls } from './helpers/shop';

/** Checks 100 and 300 ms after creation, then every 300 ms; unpaid orders expire after 1 s. */
const ENV = { RECONCILE_MAX_QPS: '100', RECONCILE_SCHEDULE_MS: '100,300', RECONCILE_REPEAT_MS: '300', ORDER_EXPIRES_AFTER_S: '1' };

interface Row {
  status: string;
  next_check_at: string | null;
  lease_until: string | null;
  created_at: string;
}
const row = async (server: TestServer, reference: string): Promise<Row> =>
  (await server.rows<Row>('SELECT status, next_check_at, lease_until, created_at FROM orders WHERE merchant_reference = ?', reference))[0];

const waitForRow = (server: TestServer, reference: string, status: string) =>
  waitFor(async () => {
    const r = await row(server, reference);
    return r.status === status && r.lease_until === null ? r : undefined;
  }, { timeoutMs: 6000, description: `order ${reference} ${status}` });

const events = (server: TestServer, reference: string) =>
  server.rows<{ kind: string; actor: string; at: string; details: string }>(
    'SELECT kind, actor, at, details FROM events WHERE merchant_reference = ? ORDER BY id',
    reference,
  );

const anomalies = (server: TestServer, reference: string) =>
  server.rows<{ kind: string; details: string }>('SELECT kind, details FROM anomalies WHERE merchant_reference = ?', reference);

describe('expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: ENV });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await http(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
  });

  it('an order left unpaid expires after one last query at its expiry, and is no longer checked', async () => {
    const order = await createdOrder(server);
    const expired = await waitForRow(server, order.merchantReference, 'expired');
    expect(expired.next_check_at).toBeNull();
    const expiry = Date.parse(expired.created_at) + 1000;

    const timeline = await events(server, order.merchantReference);
    const last = timeline[timeline.length - 1];
    expect(last).toMatchObject({ kind: 'order_expired', actor: 'reconciler' });
    expect(JSON.parse(last.details)).toEqual({ latipayStatus: 'pending', expiresAfterS: 1 });
    const queries = timeline.filter((event) => event.kind === 'latipay_queried');
    expect(queries.every((event) => event.actor === 'reconciler')).toBe(true);
    // The last query was made at the expiry, not before it.
    expect(Date.parse(queries[queries.length - 1].at)).toBeGreaterThanOrEqual(expiry);
    expect(Date.parse(expired.created_at) + 1000).toBeLessThanOrEqual(Date.parse(last.at));

    // The shopper sees it expired.
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('expired');
    const calls = (await sandboxCalls(server)).query;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await row(server, order.merchantReference)).status).toBe('expired');
    expect((await sandboxCalls(server)).query).toBe(calls);
  });

  it('an order Latipay cannot answer about is not expired until a query answers', async () => {
    await addFault(server, { endpoint: 'query', kind: 'http_500', times: 1000 });
    const order = await createdOrder(server);
    const before = (await sandboxCalls(server)).query;
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect((await row(server, order.merchantReference)).status).toBe('pending');
    // It was asked, at its expiry and after.
    expect((await sandboxCalls(server)).query).toBeGreaterThanOrEqual(before + 3);
    await http(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
    await waitForRow(server, order.merchantReference, 'expired');
  });

  it('an order paid before its expiry stays paid', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'paid', 'drop');
    await waitForRow(server, order.merchantReference, 'paid');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await row(server, order.merchantReference)).toMatchObject({ status: 'paid', next_check_at: null });
    expect((await events(server, order.merchantReference)).map((event) => event.kind)).not.toContain('order_expired');
  });

  it('a paid notification after expiry makes the order paid, recorded as the anomaly paid_after_expiry', async () => {
    const order = await createdOrder(server);
    await waitForRow(server, order.merchantReference, 'expired');
    await complete(server, order.merchantReference, 'paid', 'deliver');
    await waitForRow(server, order.merchantReference, 'paid');
    const found = await anomalies(server, order.merchantReference);
    expect(found).toHaveLength(1);
    expect(found[0].kind).toBe('paid_after_expiry');
    expect(JSON.parse(found[0].details)).toMatchObject({ source: 'notify', amount: order.amount, currency: order.currency });
    const listed = await http(`${server.url}/api/admin/anomalies`, { headers: adminHeaders(server) });
    expect(listed.body.anomalies).toEqual(
      expect.arrayContaining([expect.objectContaining({ merchantReference: order.merchantReference, kind: 'paid_after_expiry' })]),
    );
    // A duplicate of the notification changes nothing and records nothing more.
    expect((await notify(server, notification(order, 'paid', server.latipay.apiKey))).text).toBe('sent');
    expect(await anomalies(server, order.merchantReference)).toHaveLength(1);
  });

  it('a payment after expiry that only a query finds (the shopper refreshes) makes it paid too, with the anomaly', async () => {
    const order = await createdOrder(server);
    await waitForRow(server, order.merchantReference, 'expired');
    await complete(server, order.merchantReference, 'paid', 'drop');
    const refreshed = await getOrder(server, order.merchantReference, true);
    expect(refreshed.body.order.status).toBe('paid');
    expect(await anomalies(server, order.merchantReference)).toEqual([
      expect.objectContaining({ kind: 'paid_after_expiry' }),
    ]);
    expect(JSON.parse((await anomalies(server, order.merchantReference))[0].details)).toMatchObject({ source: 'query' });
  });

  it('a failed notification after expiry changes nothing', async () => {
    const order = await createdOrder(server);
    await waitForRow(server, order.merchantReference, 'expired');
    expect((await notify(server, notification(order, 'failed', server.latipay.apiKey))).text).toBe('sent');
    expect((await row(server, order.merchantReference)).status).toBe('expired');
  });
});

it("by default an order expires after Alipay's cashier stops taking payment for it (timeout_rule: 12 h by default)", () => {
  expect(loadConfig({}).orderExpiresAfterS).toBe(13 * 3600);
  expect(loadConfig({ ORDER_EXPIRES_AFTER_S: '600' }).orderExpiresAfterS).toBe(600);
  expect(() => loadConfig({ ORDER_EXPIRES_AFTER_S: '0' })).toThrow(/ORDER_EXPIRES_AFTER_S/);
});
