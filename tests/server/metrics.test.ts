/**
 * GET /metrics: Prometheus' text format (parsed strictly here), behind METRICS_TOKEN on the
 * API's port and without a token on METRICS_PORT; each server counts what happened to it.
 */
import { startTestServer, type TestServer } from '../support/server';
import { closedPortUrl, http } from './helpers/http';
import { parseExposition, scrape } from './helpers/prometheus';
import {
  addFault,
  adminHeaders,
  complete,
  createOrder,
  createdOrder,
  getOrder,
  notification,
  notify,
  refund,
  waitForStatus,
} from './helpers/shop';

const METRICS_TOKEN = 'metrics-test-token-0123456789';

describe('metrics of a server that took orders', () => {
  let server: TestServer;
  let metricsPortUrl: string;
  const references: string[] = [];
  beforeAll(async () => {
    metricsPortUrl = await closedPortUrl();
    server = await startTestServer({
      env: {
        METRICS_TOKEN,
        METRICS_PORT: new URL(metricsPortUrl).port,
        RATE_LIMIT_ORDERS_PER_BUYER: '3',
        // Off: the reconciler's queries would add to the Latipay calls counted here.
        RECONCILE_MAX_QPS: '0',
      },
    });

    // Three orders: one paid (notification), one paid whose duplicate notification changes nothing, one left pending.
    for (let i = 0; i < 3; i++) references.push((await createdOrder(server, { productId: 'flat-white', quantity: 1 })).merchantReference);
    await complete(server, references[0], 'paid');
    await waitForStatus(server, references[0], 'paid');
    await complete(server, references[1], 'paid', 'duplicate');
    await waitForStatus(server, references[1], 'paid');
    // The buyer's fourth order in a minute is refused (429).
    expect((await createOrder(server, { productId: 'flat-white', quantity: 1 })).status).toBe(429);
    // A create Latipay refuses, by another shopper.
    await addFault(server, { endpoint: 'create', kind: 'latipay_error', code: 301, message: 'wrong account' });
    expect((await createOrder(server, undefined, {}, 'second-shopper')).status).toBe(502);
    // Refused notifications: a forged signature, an unknown order; and one whose amount is wrong (an anomaly).
    const [order] = [(await getOrder(server, references[2])).body.order];
    expect((await notify(server, notification(order, 'paid', 'not-the-api-key'))).status).toBe(403);
    expect((await notify(server, notification({ ...order, merchantReference: 'Mnosuchorder' }, 'paid', server.latipay.apiKey))).status).toBe(404);
    expect((await notify(server, notification(order, 'paid', server.latipay.apiKey, { amount: '0.01' }))).text).toBe('sent');
    // A refund whose outcome Latipay leaves unknown: held.
    await addFault(server, { endpoint: 'refund', kind: 'http_500' });
    expect((await refund(server, references[0], { amount: '2.00', reason: 'held' })).status).toBe(502);
  });
  afterAll(() => server.close());

  it('are Prometheus text that counts what happened', async () => {
    const metrics = await scrape(server.url, METRICS_TOKEN);

    expect(metrics.value('shop_order_creations_total', { outcome: 'created' })).toBe(3);
    expect(metrics.value('shop_order_creations_total', { outcome: 'latipay_error' })).toBe(1);

    expect(metrics.value('shop_latipay_calls_total', { operation: 'create', outcome: 'ok' })).toBe(3);
    expect(metrics.value('shop_latipay_calls_total', { operation: 'create', outcome: 'rejected' })).toBe(1);
    expect(metrics.value('shop_latipay_calls_total', { operation: 'refund', outcome: 'http_error' })).toBe(1);
    expect(metrics.types.get('shop_latipay_call_duration_seconds')).toBe('histogram');
    expect(metrics.value('shop_latipay_call_duration_seconds_count', { operation: 'create' })).toBe(4);
    expect(metrics.value('shop_latipay_call_duration_seconds_bucket', { operation: 'create', le: '+Inf' })).toBe(4);
    expect(metrics.value('shop_latipay_call_duration_seconds_sum', { operation: 'create' })).toBeGreaterThan(0);

    // Notifications: two paid (one of them twice), a forgery, an unknown order, a wrong amount.
    expect(metrics.value('shop_notifications_total', { outcome: 'applied' })).toBe(2);
    expect(metrics.value('shop_notifications_total', { outcome: 'no_change' })).toBe(1);
    expect(metrics.value('shop_notifications_total', { outcome: 'invalid_signature' })).toBe(1);
    expect(metrics.value('shop_notifications_total', { outcome: 'unknown_order' })).toBe(1);
    expect(metrics.value('shop_notifications_total', { outcome: 'anomaly' })).toBe(1);

    // Read from the database: orders by status (every status, 0 included), anomalies, held refunds.
    expect(metrics.value('shop_orders', { status: 'paid' })).toBe(2);
    expect(metrics.value('shop_orders', { status: 'pending' })).toBe(1);
    expect(metrics.value('shop_orders', { status: 'create_failed' })).toBe(1);
    expect(metrics.value('shop_orders', { status: 'expired' })).toBe(0);
    expect(metrics.value('shop_anomalies', { kind: 'amount_mismatch' })).toBe(1);
    expect(metrics.value('shop_anomalies', { kind: 'refund_outcome_unknown' })).toBe(1);
    expect(metrics.value('shop_anomalies', { kind: 'paid_after_expiry' })).toBe(0);
    expect(metrics.value('shop_held_refunds')).toBe(1);
    expect(metrics.value('shop_held_refunds_cents')).toBe(200);
    expect(metrics.value('shop_reconciler_due_orders')).toBe(0);

    expect(metrics.value('shop_rate_limit_refusals_total', { limit: 'orders-per-buyer' })).toBe(1);

    // Requests by route pattern, never by URL.
    expect(metrics.value('shop_http_request_duration_seconds_count', { method: 'POST', route: '/api/orders', status_code: '201' })).toBe(3);
    expect(metrics.value('shop_http_request_duration_seconds_count', { method: 'POST', route: '/api/orders', status_code: '429' })).toBe(1);
    expect(
      metrics.sum('shop_http_request_duration_seconds_count', { method: 'GET', route: '/api/orders/:merchantReference' }),
    ).toBeGreaterThanOrEqual(3);
    expect(metrics.value('shop_http_request_duration_seconds_count', { method: 'POST', route: '/api/latipay/notify', status_code: '403' })).toBe(1);
    const text = (await http(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text;
    for (const reference of [...references, 'Mnosuchorder']) expect(text).not.toContain(reference);
  });

  it('count every scrape and notification as it comes', async () => {
    const before = await scrape(server.url, METRICS_TOKEN);
    const order = (await getOrder(server, references[2])).body.order;
    expect((await notify(server, notification(order, 'paid', server.latipay.apiKey))).text).toBe('sent');
    const after = await scrape(server.url, METRICS_TOKEN);
    expect(after.value('shop_notifications_total', { outcome: 'applied' })).toBe(before.value('shop_notifications_total', { outcome: 'applied' })! + 1);
    expect(after.value('shop_orders', { status: 'paid' })).toBe(3);
    expect(after.value('shop_orders', { status: 'pending' })).toBe(0);
    expect(after.value('shop_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status_code: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('need the token on the API port: 401 in the error shape without it or with another', async () => {
    const tries: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: METRICS_TOKEN }];
    for (const headers of tries) {
      const res = await http(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('are served without a token on METRICS_PORT, and nothing else is', async () => {
    const res = await http(`${metricsPortUrl}/metrics`);
    expect(res.status).toBe(200);
    const metrics = parseExposition(res.text);
    expect(metrics.value('shop_order_creations_total', { outcome: 'created' })).toBe(3);
    const other = await http(`${metricsPortUrl}/api/products`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('count the admin lockout among the rate-limit refusals', async () => {
    const locked = await startTestServer({ env: { METRICS_TOKEN, RATE_LIMIT_ADMIN_FAILURES_PER_IP: '2', RECONCILE_MAX_QPS: '0' } });
    try {
      const wrong = { authorization: 'Bearer wrong-admin-token-0123456789' };
      expect((await http(`${locked.url}/api/admin/anomalies`, { headers: wrong })).status).toBe(401);
      expect((await http(`${locked.url}/api/admin/anomalies`, { headers: wrong })).status).toBe(401);
      expect((await http(`${locked.url}/api/admin/anomalies`, { headers: adminHeaders(locked) })).status).toBe(429);
      const metrics = await scrape(locked.url, METRICS_TOKEN);
      expect(metrics.value('shop_rate_limit_refusals_total', { limit: 'admin-lockout' })).toBe(1);
      // Another server in the same process counts only its own.
      expect(metrics.value('shop_order_creations_total', { outcome: 'created' })).toBeUndefined();
      expect(metrics.value('shop_orders', { status: 'paid' })).toBe(0);
    } finally {
      await locked.close();
    }
  });
});

describe('metrics without METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: undefined } });
  });
  afterAll(() => server.close());

  it('are not served on the API port (503)', async () => {
    const res = await http(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: 'not_available', message: expect.stringContaining('METRICS_TOKEN') } });
  });
});

describe('METRICS_PORT in use', () => {
  it('stops start-up with the setting named', async () => {
    const taken = await startTestServer();
    try {
      await expect(startTestServer({ env: { METRICS_PORT: new URL(taken.url).port } })).rejects.toThrow(/METRICS_PORT: port \d+ is already in use/);
    } finally {
      await taken.close();
    }
  });
});
