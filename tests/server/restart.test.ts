import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { readRows } from './helpers/db';
import { adminHeaders, complete, createdOrder, getOrder, refund, waitForStatus } from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('restart', () => {
  it('keeps every order, its status and the buyer list; an order left creating becomes create_failed', async () => {
    const shopper = await server.signIn('buyer-restart');
    const paid = await createdOrder(server, { productId: 'canvas-tote', quantity: 2 }, { 'idempotency-key': 'restart-1' }, 'buyer-restart');
    await complete(server, paid.merchantReference, 'paid');
    const paidBefore = await waitForStatus(server, paid.merchantReference, 'paid', 'buyer-restart');
    const pending = await createdOrder(server, undefined, {}, 'buyer-restart');
    // What a crash while Latipay was being asked leaves behind.
    const db = new Database(server.databasePath);
    db.prepare(
      `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status, created_at, updated_at)
       VALUES ('Mcrashedwhilecreating', ?, 'test-item', 'Test item', 1, 1, 'NZD', 'creating', ?, ?)`,
    ).run(shopper.buyerId, new Date().toISOString(), new Date().toISOString());
    db.close();

    const oldUrl = server.url;
    server = await server.restart();
    expect(server.url).toBe(oldUrl); // restarted on the same port, as `npm start` would be

    // The session outlives the restart too.
    const read = (ref: string) => http(`${server.url}/api/orders/${ref}`, { headers: shopper.headers });
    expect((await read(paid.merchantReference)).body.order).toEqual(paidBefore);
    expect((await read(pending.merchantReference)).body.order).toEqual(pending);
    expect((await read('Mcrashedwhilecreating')).body.order.status).toBe('create_failed');
    const list = await http(`${server.url}/api/orders`, { headers: shopper.headers });
    expect(list.body.orders.map((o: { merchantReference: string }) => o.merchantReference)).toEqual([
      'Mcrashedwhilecreating',
      pending.merchantReference,
      paid.merchantReference,
    ]);
    // The Idempotency-Key survives too: the same request gives the same order.
    const again = await http(`${server.url}/api/orders`, {
      json: { productId: 'canvas-tote', quantity: 2 },
      headers: { ...shopper.headers, 'idempotency-key': 'restart-1' },
    });
    expect(again.status).toBe(201);
    expect(again.body.order.merchantReference).toBe(paid.merchantReference);
    expect(again.body.order.status).toBe('paid');
  });

  it('a refund left pending by a crash is held as outcome unknown, recorded, and can be resolved', async () => {
    const order = await createdOrder(server, { productId: 'flat-white', quantity: 1 });
    await complete(server, order.merchantReference, 'paid');
    await waitForStatus(server, order.merchantReference, 'paid');
    // What a crash while Latipay was being asked to refund leaves behind.
    const db = new Database(server.databasePath);
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
       VALUES ('Rcrashedwhilerefunding', ?, 500, 'crash', 'pending', ?, ?)`,
    ).run(order.merchantReference, now, now);
    db.close();

    server = await server.restart();
    expect(readRows(server.databasePath, "SELECT status, error_code FROM refunds WHERE id = 'Rcrashedwhilerefunding'")).toEqual([
      { status: 'unknown', error_code: 'refund_outcome_unknown' },
    ]);
    const admin = (await http(`${server.url}/api/admin/anomalies`, { headers: adminHeaders(server) })).body;
    expect(admin.anomalies).toContainEqual(
      expect.objectContaining({ kind: 'refund_outcome_unknown', details: expect.objectContaining({ refundId: 'Rcrashedwhilerefunding' }) }),
    );
    expect(admin.heldRefunds).toEqual([expect.objectContaining({ refundId: 'Rcrashedwhilerefunding', amount: '5.00' })]);
    expect((await refund(server, order.merchantReference, { amount: '1.00', reason: 'x' })).body.error.code).toBe('refund_exceeds_balance');
    const resolved = await http(`${server.url}/api/admin/refunds/Rcrashedwhilerefunding/resolve`, {
      json: { outcome: 'succeeded', note: 'seen in the Latipay portal' },
      headers: adminHeaders(server),
    });
    expect(resolved.status).toBe(200);
    expect((await getOrder(server, order.merchantReference)).body.order).toMatchObject({ status: 'partially_refunded', refundedAmount: '5.00' });
  });
});
