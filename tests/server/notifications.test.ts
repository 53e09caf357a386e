import { signPaymentResult } from '../../server/latipay';
import { startTestServer, type TestServer } from '../support/server';
import { http, waitFor } from './helpers/http';
import {
  addFault,
  complete,
  createdOrder,
  getOrder,
  notification,
  notify,
  orderStatus,
  sandboxCalls,
  sandboxOrder,
  waitForStatus,
} from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const storedNotifications = (ref: string) =>
  server.rows<{ source: string; status: string; outcome: string; fields: string }>('SELECT source, status, outcome, fields FROM payment_results WHERE merchant_reference = ? ORDER BY id',
    ref,
  );

const anomalies = async () =>
  (await http(`${server.url}/api/admin/anomalies`, { headers: { authorization: `Bearer ${server.adminToken}` } })).body.anomalies;

describe('Latipay notifications', () => {
  it('create -> paid in the sandbox -> notification -> paid, answered `sent`', async () => {
    const order = await createdOrder(server, { productId: 'flat-white', quantity: 3 });
    expect(order).toMatchObject({ status: 'pending', amount: '16.50', currency: 'NZD', paidAt: null });
    await complete(server, order.merchantReference, 'paid');
    const paid = await waitForStatus(server, order.merchantReference, 'paid');
    expect(paid.paidAt).toEqual(expect.any(String));
    const attempts = (await sandboxOrder(server, order.merchantReference)).notifications;
    expect(attempts).toEqual([expect.objectContaining({ httpStatus: 200, body: 'sent' })]);
    const [stored] = await storedNotifications(order.merchantReference);
    expect(stored).toMatchObject({ source: 'notify', status: 'paid', outcome: 'applied' });
    const fields = JSON.parse(stored.fields);
    expect(fields).toMatchObject({ merchant_reference: order.merchantReference, amount: '16.50', order_id: order.latipayOrderId });
    expect(fields).not.toHaveProperty('signature');
  });

  it.each(['failed', 'canceled'] as const)('a %s payment marks the order failed', async (status) => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, status);
    await waitForStatus(server, order.merchantReference, 'failed');
    expect(await storedNotifications(order.merchantReference)).toEqual([expect.objectContaining({ status, outcome: 'applied' })]);
  });

  it('a rejected notification marks the order failed', async () => {
    const order = await createdOrder(server);
    const res = await notify(server, notification(order, 'rejected', server.latipay.apiKey));
    expect(res.status).toBe(200);
    expect(await orderStatus(server, order.merchantReference)).toBe('failed');
  });

  it('a paid after failed is applied (money moved), through the sandbox', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'failed');
    await waitForStatus(server, order.merchantReference, 'failed');
    await complete(server, order.merchantReference, 'paid');
    await waitForStatus(server, order.merchantReference, 'paid');
  });

  it('a late failed after paid changes nothing but is stored and answered `sent`', async () => {
    const order = await createdOrder(server);
    expect((await notify(server, notification(order, 'paid', server.latipay.apiKey))).text).toBe('sent');
    const late = await notify(server, notification(order, 'failed', server.latipay.apiKey));
    expect(late.status).toBe(200);
    expect(late.text).toBe('sent');
    expect(late.headers.get('content-type')).toMatch(/^text\/plain/);
    const pending = await notify(server, notification(order, 'pending', server.latipay.apiKey));
    expect(pending.text).toBe('sent');
    expect(await orderStatus(server, order.merchantReference)).toBe('paid');
    expect((await storedNotifications(order.merchantReference)).map((n) => [n.status, n.outcome])).toEqual([
      ['paid', 'applied'],
      ['failed', 'no_change'],
      ['pending', 'no_change'],
    ]);
  });

  it('a duplicate notification is answered `sent` and applied once', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'paid', 'duplicate');
    await waitFor(async () => (await sandboxOrder(server, order.merchantReference)).notifications.length === 2, 'two deliveries');
    const attempts = (await sandboxOrder(server, order.merchantReference)).notifications;
    expect(attempts.map((a: { httpStatus: number; body: string }) => [a.httpStatus, a.body])).toEqual([[200, 'sent'], [200, 'sent']]);
    expect((await storedNotifications(order.merchantReference)).map((n) => n.outcome)).toEqual(['applied', 'no_change']);
    const { body } = await getOrder(server, order.merchantReference);
    expect(body.order.status).toBe('paid');
  });

  it('a badly signed notification gets a 4xx and changes nothing', async () => {
    const order = await createdOrder(server);
    const forged = await notify(server, notification(order, 'paid', 'not-the-api-key'));
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('invalid_signature');
    // The sandbox's own badly signed delivery is refused on every attempt too.
    await complete(server, order.merchantReference, 'paid', 'bad_signature');
    await waitFor(async () => (await sandboxOrder(server, order.merchantReference)).notifications.length === 5, 'all attempts');
    const attempts = (await sandboxOrder(server, order.merchantReference)).notifications;
    expect(attempts.every((a: { httpStatus: number }) => a.httpStatus === 403)).toBe(true);
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    expect(await storedNotifications(order.merchantReference)).toEqual([]);
  });

  it('a signature made over other values does not verify (tampered amount)', async () => {
    const order = await createdOrder(server);
    const signed = notification(order, 'paid', server.latipay.apiKey);
    const res = await notify(server, { ...signed, amount: '0.02' });
    expect(res.status).toBe(403);
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
  });

  it('an amount mismatch never marks paid: stored, recorded as an anomaly, answered `sent`', async () => {
    const order = await createdOrder(server);
    const res = await notify(server, notification(order, 'paid', server.latipay.apiKey, { amount: '0.02' }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('sent');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    expect(await storedNotifications(order.merchantReference)).toEqual([expect.objectContaining({ outcome: 'anomaly' })]);
    expect(await anomalies()).toContainEqual(
      expect.objectContaining({
        merchantReference: order.merchantReference,
        kind: 'amount_mismatch',
        details: expect.objectContaining({ expected: { amount: '0.01', currency: 'NZD' }, received: { amount: '0.02', currency: 'NZD' } }),
      }),
    );
    // The right notification is still applied afterwards.
    await notify(server, notification(order, 'paid', server.latipay.apiKey));
    expect(await orderStatus(server, order.merchantReference)).toBe('paid');
  });

  it('a currency mismatch never marks paid', async () => {
    const order = await createdOrder(server);
    const res = await notify(server, notification(order, 'paid', server.latipay.apiKey, { currency: 'AUD' }));
    expect(res.text).toBe('sent');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    expect(await anomalies()).toContainEqual(expect.objectContaining({ merchantReference: order.merchantReference, kind: 'currency_mismatch' }));
  });

  it('an unknown order gets 404 and nothing is stored', async () => {
    const ghost = { merchantReference: 'Mdoesnotexist', amount: '0.01', currency: 'NZD', latipayOrderId: 'S1' };
    const res = await notify(server, notification(ghost, 'paid', server.latipay.apiKey));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await storedNotifications('Mdoesnotexist')).toEqual([]);
  });

  it('checks the signature before the fields: an unsigned or incomplete forgery gets 403, a signed one missing a field 400', async () => {
    const order = await createdOrder(server);
    const good = notification(order, 'paid', server.latipay.apiKey);
    const { signature: _omitted, ...unsigned } = good;
    const noSignature = await notify(server, unsigned);
    expect(noSignature.status).toBe(403);
    expect(noSignature.body.error.code).toBe('invalid_signature');
    const { payment_method: _dropped, ...incomplete } = good;
    const forged = await notify(server, incomplete);
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('invalid_signature');
    // Signed over an empty payment_method, then sent without it: authentic, but incomplete.
    const signed = { merchant_reference: good.merchant_reference, payment_method: '', status: good.status, currency: good.currency, amount: good.amount };
    const signedWithout = { ...incomplete, signature: signPaymentResult(signed, server.latipay.apiKey) };
    const missing = await notify(server, signedWithout);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining('payment_method') });
    const json = await http(`${server.url}/api/latipay/notify`, { json: good });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('unsupported_media_type');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
  });

  it('a signed notification with an unknown status is stored as an anomaly and answered `sent` (no endless resends)', async () => {
    const order = await createdOrder(server);
    const res = await notify(server, notification(order, 'refunded', server.latipay.apiKey));
    expect(res.status).toBe(200);
    expect(res.text).toBe('sent');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    expect(await storedNotifications(order.merchantReference)).toEqual([expect.objectContaining({ status: 'refunded', outcome: 'anomaly' })]);
    expect(await anomalies()).toContainEqual(expect.objectContaining({ merchantReference: order.merchantReference, kind: 'unknown_status' }));
  });

  it('extra fields (amount_cny, rate) are accepted and stored', async () => {
    const order = await createdOrder(server);
    const res = await notify(server, { ...notification(order, 'paid', server.latipay.apiKey), amount_cny: '0.05', rate: '4.9' });
    expect(res.text).toBe('sent');
    expect(JSON.parse((await storedNotifications(order.merchantReference))[0].fields)).toMatchObject({ amount_cny: '0.05', rate: '4.9' });
  });

  it('a dropped notification is settled by ?refresh=true through Latipay query', async () => {
    const order = await createdOrder(server);
    const before = (await sandboxCalls(server)).query;
    // Still pending at Latipay: refresh asks, and nothing changes.
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('pending');
    await complete(server, order.merchantReference, 'paid', 'drop');
    expect(await orderStatus(server, order.merchantReference)).toBe('pending');
    const refreshed = await getOrder(server, order.merchantReference, true);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.order).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect((await sandboxCalls(server)).query).toBe(before + 2);
    expect(await storedNotifications(order.merchantReference)).toEqual([expect.objectContaining({ source: 'query', status: 'paid', outcome: 'applied' })]);
    // A final order is not asked about again.
    await getOrder(server, order.merchantReference, true);
    expect((await sandboxCalls(server)).query).toBe(before + 2);
  });

  it('?refresh=true applies a dropped failure, and a later paid still wins', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'canceled', 'drop');
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('failed');
    await complete(server, order.merchantReference, 'paid', 'drop');
    expect((await getOrder(server, order.merchantReference, true)).body.order.status).toBe('paid');
  });

  it('concurrent refreshes of one order share one Latipay query', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'paid', 'drop');
    // Every query is held a while, so all refreshes arrive while the first is in flight.
    await addFault(server, { endpoint: 'query', kind: 'delay', delayMs: 500, times: 50 });
    const before = (await sandboxCalls(server)).query;
    const results = await Promise.all(Array.from({ length: 50 }, () => getOrder(server, order.merchantReference, true)));
    await http(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
    expect(results.map((r) => r.body.order.status)).toEqual(Array(50).fill('paid'));
    expect((await sandboxCalls(server)).query).toBe(before + 1);
  });

  it('a delayed notification lands later', async () => {
    const order = await createdOrder(server);
    await complete(server, order.merchantReference, 'paid', 'delay');
    await waitForStatus(server, order.merchantReference, 'paid');
  });
});
