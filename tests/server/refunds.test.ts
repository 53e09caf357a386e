import type { Order } from '../../server/contract';
import { startTestServer, type TestServer } from '../support/server';
import { http, waitFor } from './helpers/http';
import {
  addFault,
  adminHeaders,
  complete,
  createdOrder,
  getOrder,
  notification,
  notify,
  refund,
  sandboxCalls,
  sandboxOrder,
  waitForStatus,
} from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  await http(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
});

const anomalies = () => http(`${server.url}/api/admin/anomalies`, { headers: adminHeaders(server) });

/** A paid order of `quantity` flat whites (5.50 each). */
async function paidOrder(quantity = 2): Promise<Order> {
  const order = await createdOrder(server, { productId: 'flat-white', quantity });
  await complete(server, order.merchantReference, 'paid');
  return waitForStatus(server, order.merchantReference, 'paid');
}

describe('admin auth', () => {
  it('refuses a missing, wrong or malformed bearer token with 401, before reading the body', async () => {
    const order = await createdOrder(server);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-wrong-token' },
      { authorization: `Basic ${server.adminToken}` },
      { authorization: `Bearer ${server.adminToken}x` },
    ];
    for (const headers of attempts) {
      const res = await refund(server, order.merchantReference, { amount: '0.01', reason: 'x' }, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await http(`${server.url}/api/admin/anomalies`)).status).toBe(401);
  });

  it('refuses every admin call with 503 not_available when ADMIN_TOKEN is unset', async () => {
    const closed = await startTestServer({ env: { ADMIN_TOKEN: undefined } });
    try {
      expect(closed.adminToken).toBeNull();
      const res = await refund(closed, 'Manything', { amount: '0.01', reason: 'x' }, { authorization: 'Bearer undefined' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('not_available');
    } finally {
      await closed.close();
    }
  });
});

describe('refunds', () => {
  it('refunds partly, then the rest, by the Latipay order id', async () => {
    const order = await paidOrder(2); // 11.00
    const partial = await refund(server, order.merchantReference, { amount: '3.5', reason: 'one cup was cold' });
    expect(partial.status).toBe(201);
    expect(partial.body.refund).toEqual({
      id: expect.stringMatching(/^R/),
      amount: '3.50',
      reason: 'one cup was cold',
      createdAt: expect.any(String),
    });
    expect(partial.body.order).toMatchObject({ status: 'partially_refunded', refundedAmount: '3.50', refunds: [partial.body.refund] });
    const rest = await refund(server, order.merchantReference, { amount: '7.50', reason: 'closing the order' });
    expect(rest.status).toBe(201);
    expect(rest.body.order).toMatchObject({ status: 'refunded', refundedAmount: '11.00' });
    expect(rest.body.order.refunds.map((r: { amount: string }) => r.amount)).toEqual(['3.50', '7.50']);
    expect((await sandboxOrder(server, order.merchantReference)).refundedAmount).toBe('11.00');
    // Nothing is left: refused without calling Latipay.
    const before = (await sandboxCalls(server)).refund;
    const more = await refund(server, order.merchantReference, { amount: '0.01', reason: 'again' });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('order_not_refundable');
    expect((await sandboxCalls(server)).refund).toBe(before);
  });

  it('refunds in full in one go', async () => {
    const order = await paidOrder(1);
    const res = await refund(server, order.merchantReference, { amount: '5.50', reason: 'full' });
    expect(res.status).toBe(201);
    expect(res.body.order).toMatchObject({ status: 'refunded', refundedAmount: '5.50' });
  });

  it('refuses more than what is refundable with 409, without calling Latipay', async () => {
    const order = await paidOrder(1);
    const before = (await sandboxCalls(server)).refund;
    const res = await refund(server, order.merchantReference, { amount: '5.51', reason: 'too much' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'refund_exceeds_balance', message: 'at most 5.50 NZD can be refunded' });
    expect((await sandboxCalls(server)).refund).toBe(before);
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('paid');
  });

  it('refuses orders that are not paid, and unknown orders', async () => {
    const pending = await createdOrder(server);
    const res = await refund(server, pending.merchantReference, { amount: '0.01', reason: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('order_not_refundable');
    expect((await refund(server, 'Mffffffffffffffffffffffffffffff', { amount: '0.01', reason: 'x' })).status).toBe(404);
  });

  it.each<[string, unknown]>([
    ['a numeric amount', { amount: 1, reason: 'x' }],
    ['three decimals', { amount: '0.001', reason: 'x' }],
    ['a zero amount', { amount: '0.00', reason: 'x' }],
    ['a negative amount', { amount: '-1.00', reason: 'x' }],
    ['no reason', { amount: '1.00' }],
    ['an empty reason', { amount: '1.00', reason: '  ' }],
  ])('refuses %s with 400', async (_what, body) => {
    const order = await paidOrder(1);
    const res = await refund(server, order.merchantReference, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('honours Idempotency-Key: one Latipay refund per key, 409 for another body', async () => {
    const order = await paidOrder(2);
    const headers = { ...adminHeaders(server), 'idempotency-key': 'refund-1' };
    const before = (await sandboxCalls(server)).refund;
    const first = await refund(server, order.merchantReference, { amount: '1.00', reason: 'dup' }, headers);
    const again = await refund(server, order.merchantReference, { amount: '1.00', reason: 'dup' }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.refund).toEqual(first.body.refund);
    expect(again.body.order.refundedAmount).toBe('1.00');
    expect((await sandboxCalls(server)).refund).toBe(before + 1);
    const other = await refund(server, order.merchantReference, { amount: '2.00', reason: 'dup' }, headers);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('remembers a refusal made before anything was refunded: a replay of its key answers the same 409', async () => {
    const order = await paidOrder(1);
    const headers = { ...adminHeaders(server), 'idempotency-key': 'refund-too-much' };
    const body = { amount: '9.00', reason: 'too much' };
    const first = await refund(server, order.merchantReference, body, headers);
    expect(first.status).toBe(409);
    expect(first.body.error).toEqual({ code: 'refund_exceeds_balance', message: 'at most 5.50 NZD can be refunded' });
    // The order changes meanwhile; the key still answers what it answered.
    expect((await refund(server, order.merchantReference, { amount: '5.50', reason: 'all of it' })).status).toBe(201);
    const replay = await refund(server, order.merchantReference, body, headers);
    expect(replay.status).toBe(409);
    expect(replay.body.error).toEqual(first.body.error);
    const unknownOrder = { ...adminHeaders(server), 'idempotency-key': 'refund-nothing' };
    expect((await refund(server, 'Mnothing', body, unknownOrder)).status).toBe(404);
    expect((await refund(server, 'Mnothing', body, unknownOrder)).body.error.code).toBe('not_found');
  });

  it("counts Latipay's refund only while it is still pending here, not once another process has held it", async () => {
    const order = await paidOrder(1);
    await addFault(server, { endpoint: 'refund', kind: 'delay', delayMs: 500 });
    const refunding = refund(server, order.merchantReference, { amount: '2.00', reason: 'slow' });
    const [pending] = await waitFor(async () => {
      const rows = await server.rows<{ id: string }>("SELECT id FROM refunds WHERE merchant_reference = ? AND status = 'pending'", order.merchantReference);
      return rows.length > 0 ? rows : undefined;
    }, 'the refund being made');
    // What a second process's start-up recovery does to a refund it finds pending.
    await server.rows("UPDATE refunds SET status = 'unknown' WHERE id = ? RETURNING id", pending.id);
    expect((await refunding).status).not.toBe(201);
    expect((await getOrder(server, order.merchantReference)).body.order).toMatchObject({ status: 'paid', refundedAmount: '0.00' });
    expect(await server.rows('SELECT status FROM refunds WHERE id = ?', pending.id)).toEqual([{ status: 'unknown' }]);
  });

  it('concurrent refunds never exceed the balance', async () => {
    const order = await paidOrder(1); // 5.50
    const results = await Promise.all(
      ['2.00', '2.00', '2.00', '2.00'].map((amount, i) => refund(server, order.merchantReference, { amount, reason: `r${i}` })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    const final = (await getOrder(server, order.merchantReference)).body.order;
    expect(final).toMatchObject({ status: 'partially_refunded', refundedAmount: '4.00' });
  });

  it("a refusal by Latipay gives 502 with its message and releases the reserved amount", async () => {
    const order = await paidOrder(1);
    await addFault(server, { endpoint: 'refund', kind: 'latipay_error', code: 559, message: 'insufficient amount in wallet' });
    const res = await refund(server, order.merchantReference, { amount: '5.50', reason: 'x' });
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({ code: 'latipay_error', message: expect.stringContaining('insufficient amount in wallet') });
    // The admin reads Latipay's text; the logs carry only its code.
    expect(server.logs.some((line) => line.includes('insufficient amount in wallet'))).toBe(false);
    expect(server.logEntries().some((e) => (e.latipay as { code?: number } | undefined)?.code === 559)).toBe(true);
    const retry = await refund(server, order.merchantReference, { amount: '5.50', reason: 'x' });
    expect(retry.status).toBe(201);
    expect(retry.body.order.status).toBe('refunded');
  });

  it('an unknown outcome (HTTP 500) holds the amount, says so on every replay, and is listed for a person', async () => {
    const order = await paidOrder(1);
    await addFault(server, { endpoint: 'refund', kind: 'http_500' });
    const headers = { ...adminHeaders(server), 'idempotency-key': 'held-1' };
    const res = await refund(server, order.merchantReference, { amount: '5.00', reason: 'x' }, headers);
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({ code: 'refund_outcome_unknown', message: expect.stringContaining('held until a person') });
    const replay = await refund(server, order.merchantReference, { amount: '5.00', reason: 'x' }, headers);
    expect(replay.status).toBe(502);
    expect(replay.body).toEqual(res.body);
    const more = await refund(server, order.merchantReference, { amount: '1.00', reason: 'x' });
    expect(more.status).toBe(409);
    expect(more.body.error.message).toBe('at most 0.50 NZD can be refunded');
    const [held] = await server.rows<{ id: string; status: string }>('SELECT id, status FROM refunds WHERE merchant_reference = ?', order.merchantReference);
    expect(held.status).toBe('unknown');
    const admin = (await anomalies()).body;
    expect(admin.anomalies).toContainEqual(
      expect.objectContaining({
        merchantReference: order.merchantReference,
        kind: 'refund_outcome_unknown',
        details: expect.objectContaining({ refundId: held.id }),
      }),
    );
    expect(admin.heldRefunds).toContainEqual({
      refundId: held.id,
      merchantReference: order.merchantReference,
      amount: '5.00',
      reason: 'x',
      createdAt: expect.any(String),
      error: res.body.error.message,
    });
  });
});

describe('POST /api/admin/refunds/{refundId}/resolve', () => {
  const resolve = (refundId: string, body: unknown, headers = adminHeaders(server)) =>
    http(`${server.url}/api/admin/refunds/${refundId}/resolve`, { json: body, headers });

  /** A paid 5.50 order with a refund of `amount` whose outcome is unknown. */
  async function heldRefund(amount: string, key: string): Promise<{ order: Order; refundId: string; headers: Record<string, string> }> {
    const order = await paidOrder(1);
    await addFault(server, { endpoint: 'refund', kind: 'malformed' });
    const headers = { ...adminHeaders(server), 'idempotency-key': key };
    expect((await refund(server, order.merchantReference, { amount, reason: 'held' }, headers)).status).toBe(502);
    const [{ id }] = await server.rows<{ id: string }>('SELECT id FROM refunds WHERE merchant_reference = ?', order.merchantReference);
    return { order, refundId: id, headers };
  }

  it('succeeded: the refund counts, the order says so, a replay of its key answers 201', async () => {
    const { order, refundId, headers } = await heldRefund('2.00', 'resolve-ok');
    const res = await resolve(refundId, { outcome: 'succeeded', note: 'seen in the Latipay portal' });
    expect(res.status).toBe(200);
    expect(res.body.refund).toMatchObject({ id: refundId, amount: '2.00', status: 'succeeded' });
    expect(res.body.order).toMatchObject({ status: 'partially_refunded', refundedAmount: '2.00' });
    const replay = await refund(server, order.merchantReference, { amount: '2.00', reason: 'held' }, headers);
    expect(replay.status).toBe(201);
    expect(replay.body.refund.id).toBe(refundId);
    const admin = (await anomalies()).body;
    expect(admin.heldRefunds.map((r: { refundId: string }) => r.refundId)).not.toContain(refundId);
    expect(admin.anomalies).toContainEqual(
      expect.objectContaining({
        kind: 'refund_outcome_unknown',
        details: expect.objectContaining({ refundId, resolution: { outcome: 'succeeded', note: 'seen in the Latipay portal', at: expect.any(String) } }),
      }),
    );
    expect((await refund(server, order.merchantReference, { amount: '3.51', reason: 'x' })).body.error.code).toBe('refund_exceeds_balance');
  });

  it('failed: the held amount is released and can be refunded again', async () => {
    const { order, refundId, headers } = await heldRefund('5.50', 'resolve-failed');
    const res = await resolve(refundId, { outcome: 'failed' });
    expect(res.status).toBe(200);
    expect(res.body.refund.status).toBe('failed');
    expect(res.body.order).toMatchObject({ status: 'paid', refundedAmount: '0.00' });
    const replay = await refund(server, order.merchantReference, { amount: '5.50', reason: 'held' }, headers);
    expect(replay.body.error.code).toBe('latipay_error');
    expect((await refund(server, order.merchantReference, { amount: '5.50', reason: 'again' })).status).toBe(201);
  });

  it('refuses a refund that is not unknown (409), an unknown id (404), a bad body (400) and a missing token (401)', async () => {
    const { refundId } = await heldRefund('1.00', 'resolve-twice');
    expect((await resolve(refundId, { outcome: 'failed' })).status).toBe(200);
    const twice = await resolve(refundId, { outcome: 'succeeded' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('refund_not_resolvable');
    expect((await resolve('Rffffffffffffffffffffffff', { outcome: 'failed' })).status).toBe(404);
    for (const body of [{}, { outcome: 'maybe' }, { outcome: 'failed', note: 7 }]) {
      expect((await resolve(refundId, body)).body.error.code).toBe('invalid_request');
    }
    expect((await resolve(refundId, { outcome: 'failed' }, {})).status).toBe(401);
  });
});

describe('late notifications', () => {
  it('a refunded order stays refunded whatever notification comes late', async () => {
    const order = await paidOrder(1);
    await refund(server, order.merchantReference, { amount: '5.50', reason: 'x' });
    for (const status of ['paid', 'failed']) {
      expect((await notify(server, notification(order, status, server.latipay.apiKey))).text).toBe('sent');
    }
    expect((await getOrder(server, order.merchantReference)).body.order.status).toBe('refunded');
  });
});
