import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { complete, createdOrder, getOrder, waitForStatus } from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('restart', () => {
  it('keeps every order, its status and the buyer list; an order left creating becomes create_failed', async () => {
    const headers = { 'x-buyer-id': 'buyer-restart', 'idempotency-key': 'restart-1' };
    const paid = await createdOrder(server, { productId: 'canvas-tote', quantity: 2 }, headers);
    await complete(server, paid.merchantReference, 'paid');
    const paidBefore = await waitForStatus(server, paid.merchantReference, 'paid');
    const pending = await createdOrder(server, undefined, { 'x-buyer-id': 'buyer-restart' });
    // What a crash while Latipay was being asked leaves behind.
    const db = new Database(server.databasePath);
    db.prepare(
      `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status, created_at, updated_at)
       VALUES ('Mcrashedwhilecreating', 'buyer-restart', 'test-item', 'Test item', 1, 1, 'NZD', 'creating', ?, ?)`,
    ).run(new Date().toISOString(), new Date().toISOString());
    db.close();

    const oldUrl = server.url;
    server = await server.restart();
    expect(server.url).not.toBe(oldUrl);

    expect((await getOrder(server, paid.merchantReference)).body.order).toEqual(paidBefore);
    expect((await getOrder(server, pending.merchantReference)).body.order).toEqual(pending);
    expect((await getOrder(server, 'Mcrashedwhilecreating')).body.order.status).toBe('create_failed');
    const list = await http(`${server.url}/api/orders`, { headers: { 'x-buyer-id': 'buyer-restart' } });
    expect(list.body.orders.map((o: { merchantReference: string }) => o.merchantReference)).toEqual([
      'Mcrashedwhilecreating',
      pending.merchantReference,
      paid.merchantReference,
    ]);
    // The Idempotency-Key survives too: the same request gives the same order.
    const again = await http(`${server.url}/api/orders`, { json: { productId: 'canvas-tote', quantity: 2 }, headers });
    expect(again.status).toBe(201);
    expect(again.body.order.merchantReference).toBe(paid.merchantReference);
    expect(again.body.order.status).toBe('paid');
  });
});
