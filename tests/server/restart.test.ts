import { startTestServer, type TestServer } from '../support/server';
import { testStorage } from '../support/test-storage';
import { http } from './helpers/http';
import { adminHeaders, complete, createdOrder, getOrder, refund, waitForStatus } from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/**
 * When a crash left something half done: long enough ago that no Latipay call can still be
 * running for it (on PostgreSQL another instance could otherwise still be waiting for one).
 */
const longAgo = () => new Date(Date.now() - 10 * 60_000).toISOString();

/** Rows as a crash while Latipay was being asked leaves them (RETURNING: rows() reads rows). */
async function crashedCreating(reference: string, buyerId: string | null, createdAt: string): Promise<void> {
  await server.rows(
    `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status, created_at, updated_at)
     VALUES (?, ?, 'test-item', 'Test item', 1, 1, 'NZD', 'creating', ?, ?)
     RETURNING id`,
    reference, buyerId, createdAt, createdAt,
  );
}
async function crashedRefunding(id: string, merchantReference: string, createdAt: string): Promise<void> {
  await server.rows(
    `INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
     VALUES (?, ?, 500, 'crash', 'pending', ?, ?)
     RETURNING id`,
    id, merchantReference, createdAt, createdAt,
  );
}

async function paidOrder(): Promise<string> {
  const order = await createdOrder(server, { productId: 'flat-white', quantity: 1 });
  await complete(server, order.merchantReference, 'paid');
  await waitForStatus(server, order.merchantReference, 'paid');
  return order.merchantReference;
}

const refundRow = async (id: string) => server.rows('SELECT status, error_code FROM refunds WHERE id = ?', id);
const anomaliesOf = async (reference: string) => server.rows('SELECT kind FROM anomalies WHERE merchant_reference = ?', reference);

describe('restart', () => {
  it('keeps every order, its status and the buyer list; an order left creating becomes create_failed', async () => {
    const shopper = await server.signIn('buyer-restart');
    const paid = await createdOrder(server, { productId: 'canvas-tote', quantity: 2 }, { 'idempotency-key': 'restart-1' }, 'buyer-restart');
    await complete(server, paid.merchantReference, 'paid');
    const paidBefore = await waitForStatus(server, paid.merchantReference, 'paid', 'buyer-restart');
    const pending = await createdOrder(server, undefined, {}, 'buyer-restart');
    await crashedCreating('Mcrashedwhilecreating', shopper.buyerId, longAgo());

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
    const reference = await paidOrder();
    await crashedRefunding('Rcrashedwhilerefunding', reference, longAgo());

    server = await server.restart();
    expect(await refundRow('Rcrashedwhilerefunding')).toEqual([{ status: 'unknown', error_code: 'refund_outcome_unknown' }]);
    const admin = (await http(`${server.url}/api/admin/anomalies`, { headers: adminHeaders(server) })).body;
    expect(admin.anomalies).toContainEqual(
      expect.objectContaining({ kind: 'refund_outcome_unknown', details: expect.objectContaining({ refundId: 'Rcrashedwhilerefunding' }) }),
    );
    expect(admin.heldRefunds).toEqual([expect.objectContaining({ refundId: 'Rcrashedwhilerefunding', amount: '5.00' })]);
    expect((await refund(server, reference, { amount: '1.00', reason: 'x' })).body.error.code).toBe('refund_exceeds_balance');
    const resolved = await http(`${server.url}/api/admin/refunds/Rcrashedwhilerefunding/resolve`, {
      json: { outcome: 'succeeded', note: 'seen in the Latipay portal' },
      headers: adminHeaders(server),
    });
    expect(resolved.status).toBe(200);
    expect((await getOrder(server, reference)).body.order).toMatchObject({ status: 'partially_refunded', refundedAmount: '5.00' });
  });

  if (testStorage() === 'postgres') {
    it('on PostgreSQL, leaves at start what another instance may still be asking Latipay about', async () => {
      const reference = await paidOrder();
      const now = new Date().toISOString();
      await crashedCreating('Mmaybestillcreating', null, now);
      await crashedRefunding('Rmaybestillrefunding', reference, now);

      server = await server.restart();
      expect(await server.rows("SELECT status FROM orders WHERE merchant_reference = 'Mmaybestillcreating'")).toEqual([{ status: 'creating' }]);
      expect(await refundRow('Rmaybestillrefunding')).toEqual([{ status: 'pending', error_code: null }]);
      expect(await anomaliesOf(reference)).toEqual([]);
    });
  } else {
    it('on SQLite, recovers at start whatever was left half done, however recent (one process owns the file)', async () => {
      const reference = await paidOrder();
      const now = new Date().toISOString();
      await crashedCreating('Mjustcreating', null, now);
      await crashedRefunding('Rjustrefunding', reference, now);

      server = await server.restart();
      expect(await server.rows("SELECT status FROM orders WHERE merchant_reference = 'Mjustcreating'")).toEqual([{ status: 'create_failed' }]);
      expect(await refundRow('Rjustrefunding')).toEqual([{ status: 'unknown', error_code: 'refund_outcome_unknown' }]);
      expect(await anomaliesOf(reference)).toEqual([{ kind: 'refund_outcome_unknown' }]);
    });
  }
});
