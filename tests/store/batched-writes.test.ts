/**
 * The batched forms of the writes every order and notification makes, checked on the Storage
 * itself: many requests in one transaction must come out as if each had run alone, in order.
 */
import type { Storage } from '../../server/app/store';
import { applyInTransaction, type PaymentResult } from '../../server/app/services/apply-payment-result';
import { claimKeys, type IdempotentRequest } from '../../server/app/services/idempotency';
import { createStorageDatabase, type TestDatabase } from '../server/helpers/storage';
import { OutcomeUnknown } from '../../server/app/store/outcome-unknown';
import type { OrderStatus } from '../../server/contract';

let database: TestDatabase;
let storage: Storage;
beforeAll(async () => {
  database = await createStorageDatabase();
  storage = await database.open();
});
afterAll(() => database.close());

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(sequence++).toString(36)}`;

async function newOrders(count: number, status: OrderStatus, amountCents = 500): Promise<string[]> {
  const references = Array.from({ length: count }, () => unique('B'));
  const now = new Date().toISOString();
  await storage.transaction(async (tx) => {
    await tx.orders.insertMany(
      references.map((merchantReference) => ({
        merchantReference,
        buyerId: 'buyer-b',
        lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: amountCents }],
        productName: 'P',
        amountCents,
        currency: 'NZD',
        createdAt: now,
      })),
    );
    const created = await tx.orders.markCreatedMany(
      references.map((merchantReference) => ({ merchantReference, latipayOrderId: `L-${merchantReference}`, gatewaydata: '{}' })),
      now,
    );
    expect(created.map((row) => row?.status)).toEqual(references.map(() => 'pending'));
    if (status !== 'pending') {
      const changed = await tx.orders.changeStatusMany(references.map((merchantReference) => ({ merchantReference, from: 'pending', to: status, paidAt: null })), now);
      expect(changed).toHaveLength(count);
    }
  });
  return references;
}

function notification(merchantReference: string, status: string, amount = '5.00', currency = 'NZD'): PaymentResult {
  return {
    source: 'notify',
    merchantReference,
    outcome: status === 'paid' ? 'paid' : status === 'failed' ? 'failed' : status === 'pending' ? 'pending' : null,
    latipayStatus: status,
    amount,
    amountCents: Math.round(Number(amount) * 100),
    currency,
    fields: { merchant_reference: merchantReference, status, signature: 'dropped' },
  };
}

const rows = <T>(sql: string, params: unknown[]) => storage.sql.all<T>(sql, params);

describe('payment results applied together (applyInTransaction with several)', () => {
  it('decides each against the order as the ones before it left it', async () => {
    const [a, b, c] = await newOrders(3, 'pending');
    const [expired] = await newOrders(1, 'expired');
    const results = [
      notification(a, 'paid'),
      notification(a, 'paid'), // a duplicate in the same batch changes nothing
      notification(b, 'failed'),
      notification(b, 'paid'), // a late success after the failure: paid
      notification(c, 'paid', '4.00'), // wrong amount: an anomaly, the order unchanged
      notification('Bunknown', 'paid'),
      notification(expired, 'paid'),
    ];
    const applied = await storage.transaction((tx) => applyInTransaction(tx, results));
    expect(applied.map((r) => r && [r.outcome, r.order.status])).toEqual([
      ['applied', 'paid'],
      ['no_change', 'paid'],
      ['applied', 'failed'],
      ['applied', 'paid'],
      ['anomaly', 'pending'],
      undefined,
      ['applied', 'paid'],
    ]);

    const orders = await rows<{ merchant_reference: string; status: string; paid_at: string | null }>(
      `SELECT merchant_reference, status, paid_at FROM orders WHERE merchant_reference IN (?, ?, ?, ?) ORDER BY merchant_reference`,
      [a, b, c, expired],
    );
    expect(Object.fromEntries(orders.map((o) => [o.merchant_reference, [o.status, o.paid_at !== null]]))).toEqual({
      [a]: ['paid', true],
      [b]: ['paid', true],
      [c]: ['pending', false],
      [expired]: ['paid', true],
    });
    const stored = await rows<{ merchant_reference: string; outcome: string; fields: string }>(
      `SELECT merchant_reference, outcome, fields FROM payment_results WHERE merchant_reference IN (?, ?, ?, ?) ORDER BY id`,
      [a, b, c, expired],
    );
    expect(stored.map((r) => [r.merchant_reference, r.outcome])).toEqual([
      [a, 'applied'],
      [a, 'no_change'],
      [b, 'applied'],
      [b, 'applied'],
      [c, 'anomaly'],
      [expired, 'applied'],
    ]);
    expect(stored.every((r) => !('signature' in JSON.parse(r.fields)))).toBe(true);
    const anomalies = await rows<{ merchant_reference: string; kind: string }>(
      'SELECT merchant_reference, kind FROM anomalies WHERE merchant_reference IN (?, ?) ORDER BY id',
      [c, expired],
    );
    expect(anomalies.map((r) => [r.merchant_reference, r.kind])).toEqual([
      [c, 'amount_mismatch'],
      [expired, 'paid_after_expiry'],
    ]);
  });

  it('gives one result at a time the same outcome as several together', async () => {
    const [alone] = await newOrders(1, 'pending');
    const first = await storage.transaction((tx) => applyInTransaction(tx, [notification(alone, 'paid')]));
    const again = await storage.transaction((tx) => applyInTransaction(tx, [notification(alone, 'paid')]));
    expect([first[0]?.outcome, again[0]?.outcome]).toEqual(['applied', 'no_change']);
  });
});

describe('Idempotency-Keys claimed together (claimKeys)', () => {
  const request = (key: string | null, merchantReference: string, meaning: unknown[] = ['p', 1]): IdempotentRequest => ({
    scope: 'buyer:batch',
    endpoint: 'create_order',
    key,
    meaning,
    merchantReference,
    refundId: null,
  });

  it('gives a key sent twice in one batch to the first, and makes the second its replay', async () => {
    const key = unique('k');
    const other = unique('k');
    const claims = await storage.transaction((tx) =>
      claimKeys(tx, [request(key, 'R1'), request(null, 'R2'), request(key, 'R3'), request(other, 'R4'), request(key, 'R5', ['q', 2])], new Date().toISOString()),
    );
    expect(claims.map((claim) => ('refused' in claim ? claim.refused.statusCode : claim))).toEqual([
      { id: 'R1', replay: false },
      { id: 'R2', replay: false },
      { id: 'R1', replay: true },
      { id: 'R4', replay: false },
      409,
    ]);
    const stored = await rows<{ merchant_reference: string }>('SELECT merchant_reference FROM idempotency_keys WHERE key IN (?, ?) ORDER BY merchant_reference', [key, other]);
    expect(stored.map((row) => row.merchant_reference)).toEqual(['R1', 'R4']);
  });

  it('answers each request in the order given, whatever the order of the keys', async () => {
    const [low, high] = [unique('a'), unique('z')];
    const claims = await storage.transaction((tx) => claimKeys(tx, [request(high, 'H1'), request(low, 'L1'), request(high, 'H2')], new Date().toISOString()));
    expect(claims).toEqual([{ id: 'H1', replay: false }, { id: 'L1', replay: false }, { id: 'H1', replay: true }]);
  });

  it('finds a key claimed by an earlier transaction', async () => {
    const key = unique('k');
    await storage.transaction((tx) => claimKeys(tx, [request(key, 'E1')], new Date().toISOString()));
    const [claim] = await storage.transaction((tx) => claimKeys(tx, [request(key, 'E2')], new Date().toISOString()));
    expect(claim).toEqual({ id: 'E1', replay: true });
  });
});

describe('orders created together (markCreatedMany)', () => {
  it('answers each reference with its row, and unknown references with nothing', async () => {
    const [a, b] = await newOrders(2, 'paid');
    const now = new Date().toISOString();
    const created = await storage.transaction((tx) =>
      tx.orders.markCreatedMany(
        [b, 'Bnosuchorder', a].map((merchantReference) => ({ merchantReference, latipayOrderId: `S-${merchantReference}`, gatewaydata: '{"x":1}' })),
        now,
      ),
    );
    // A paid order stays paid; Latipay's order id from the create answer is kept.
    expect(created.map((row) => row && [row.merchant_reference, row.status, row.latipay_order_id])).toEqual([
      [b, 'paid', `S-${b}`],
      undefined,
      [a, 'paid', `S-${a}`],
    ]);
  });
});

describe('atomicStatement', () => {
  it('runs work of one statement; on PostgreSQL a second statement is refused (the first, a transaction of its own, stays)', async () => {
    const [order] = await newOrders(1, 'pending');
    const now = new Date().toISOString();
    const [row] = await storage.atomicStatement((tx) => tx.orders.recordCreated([{ merchantReference: order, latipayOrderId: 'S-atomic', gatewaydata: '{}' }], now));
    expect(row?.latipay_order_id).toBe('S-atomic');
    const events = await rows<{ details: string }>("SELECT details FROM events WHERE merchant_reference = ? AND kind = 'latipay_created'", [order]);
    expect(events.map((event) => JSON.parse(event.details))).toEqual([{ latipayOrderId: 'S-atomic', status: 'pending' }]);

    const twoStatements = storage.atomicStatement(async (tx) => {
      await tx.events.record({ merchantReference: order, kind: 'note', actor: 'system', details: {}, at: now });
      await tx.events.record({ merchantReference: order, kind: 'note', actor: 'system', details: {}, at: now });
    });
    if (database.kind === 'postgres') {
      await expect(twoStatements).rejects.toThrow(OutcomeUnknown);
      // The first was its own statement, already committed: which is why the work must make only one.
      expect(await rows("SELECT id FROM events WHERE merchant_reference = ? AND kind = 'note'", [order])).toHaveLength(1);
    } else {
      await twoStatements;
      expect(await rows("SELECT id FROM events WHERE merchant_reference = ? AND kind = 'note'", [order])).toHaveLength(2);
    }
  });
});

describe('new orders inserted with their Idempotency-Keys (newOrders.insert)', () => {
  const item = (merchantReference: string, key: string | null, now: string) => ({
    key: key === null ? null : { scope: 'buyer:new', endpoint: 'create_order', key, request_hash: 'h', merchant_reference: merchantReference, refund_id: null, created_at: now },
    order: {
      merchantReference,
      buyerId: 'buyer-new',
      lines: [{ productId: 'p', name: 'P', quantity: 3, unitPriceCents: 250 }],
      productName: 'P',
      amountCents: 750,
      currency: 'NZD',
      createdAt: now,
      nextCheckAt: null,
    },
  });

  it('inserts the orders without a key and those whose key it claims, in one call; not those whose key is taken', async () => {
    const now = new Date().toISOString();
    const [taken, fresh] = [unique('k'), unique('k')];
    expect(await storage.atomicStatement((tx) => tx.newOrders.insert([item(unique('N'), taken, now)]))).toEqual([true]);
    const refs = [unique('N'), unique('N'), unique('N'), unique('N')];
    const inserted = await storage.atomicStatement((tx) =>
      tx.newOrders.insert([item(refs[0], fresh, now), item(refs[1], taken, now), item(refs[2], null, now), item(refs[3], fresh, now)]),
    );
    expect(inserted).toEqual([true, false, true, false]);
    const orders = await rows<{ merchant_reference: string; status: string; quantity: number; amount_cents: number }>(
      `SELECT merchant_reference, status, quantity, amount_cents FROM orders WHERE merchant_reference IN (?, ?, ?, ?) ORDER BY merchant_reference`,
      refs,
    );
    expect(orders.map((o) => [o.merchant_reference, o.status, Number(o.quantity), Number(o.amount_cents)])).toEqual(
      [refs[0], refs[2]].sort().map((ref) => [ref, 'creating', 3, 750]),
    );
    const keys = await rows<{ key: string; merchant_reference: string }>('SELECT key, merchant_reference FROM idempotency_keys WHERE key = ?', [fresh]);
    expect(keys).toEqual([{ key: fresh, merchant_reference: refs[0] }]);
  });

  it('writes nothing when one order cannot be inserted', async () => {
    const now = new Date().toISOString();
    const [existing] = await newOrders(1, 'pending');
    const key = unique('k');
    const attempt = storage.atomicStatement((tx) => tx.newOrders.insert([item(unique('N'), key, now), item(existing, null, now)]));
    // SQLite: "UNIQUE constraint failed: orders.merchant_reference"; PostgreSQL: "duplicate key value violates unique constraint".
    await expect(attempt).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE constraint failed: orders\.merchant_reference|duplicate key value/));
    expect(await rows('SELECT key FROM idempotency_keys WHERE key = ?', [key])).toEqual([]);
  });
});
