/**
 * The rules the services rely on when transactions run at once, checked on the Storage itself:
 * an Idempotency-Key is claimed once, a status moves from `from` once, and refunds reserved
 * together never pass the order's amount. Each transaction runs on a Storage of its own (on
 * PostgreSQL its own pool, so truly at the same time; on SQLite its own connection to the file).
 */
import type { OrderStatus } from '../../server/contract';
import type { Storage, Stores } from '../../server/app/store';
import { createStorageDatabase, type TestDatabase } from '../server/helpers/storage';

/** How many instances of the backend share the database here. */
const INSTANCES = 4;

let database: TestDatabase;
let storages: Storage[];
beforeAll(async () => {
  database = await createStorageDatabase();
  storages = [];
  for (let i = 0; i < INSTANCES; i++) storages.push(await database.open());
  // Every pool holds connections before the races start, so none starts late connecting.
  await Promise.all(storages.flatMap((storage) => [storage.ping(), storage.ping()]));
});
afterAll(() => database.close());

/**
 * Holds a transaction open between its read and its write so that the others' reads come
 * meanwhile: a real wait on PostgreSQL. On SQLite nothing: one writer at a time, and
 * better-sqlite3 blocks the thread while waiting for the write lock, so a transaction kept
 * open across a timer would hold up every other connection of this process.
 */
const pause = (): Promise<void> =>
  database.kind === 'postgres' ? new Promise((resolve) => setTimeout(resolve, 30)) : Promise.resolve();

let sequence = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(sequence++).toString(36)}`;

async function newOrder(amountCents: number, status: OrderStatus = 'pending'): Promise<string> {
  const reference = unique('M');
  const now = new Date().toISOString();
  await storages[0].transaction(async (tx) => {
    await tx.orders.insert({
      merchantReference: reference,
      buyerId: null,
      lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: amountCents }],
      productName: 'P',
      amountCents,
      currency: 'NZD',
      createdAt: now,
    });
    await tx.orders.markCreated(reference, `L-${reference}`, '{}', now);
    if (status !== 'pending') await tx.orders.changeStatus({ merchantReference: reference, from: 'pending', to: status, paidAt: now, now });
  });
  return reference;
}

/** `work` on every storage at once, each in its own transaction. */
const together = <T>(work: (tx: Stores, instance: number) => Promise<T>): Promise<T[]> =>
  Promise.all(storages.map((storage, instance) => storage.transaction((tx) => work(tx, instance))));

describe('idempotency keys claimed by several transactions at once', () => {
  it('exactly one claim is true, and every loser finds the winner’s row inside its transaction', async () => {
    for (let round = 0; round < 5; round++) {
      const key = unique('key-');
      const results = await together(async (tx, instance) => {
        const claimed = await tx.idempotencyKeys.claim({
          scope: 'buyer:b1',
          endpoint: 'POST /api/orders',
          key,
          request_hash: `hash-${instance}`,
          merchant_reference: null,
          refund_id: null,
          created_at: new Date().toISOString(),
        });
        await pause();
        const found = await tx.idempotencyKeys.find('buyer:b1', 'POST /api/orders', key);
        return { instance, claimed, foundHash: found?.request_hash };
      });
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winnerHash = `hash-${winners[0].instance}`;
      expect(results.map((result) => result.foundHash)).toEqual(results.map(() => winnerHash));
      const stored = await storages[0].sql.all('SELECT request_hash FROM idempotency_keys WHERE key = ?', [key]);
      expect(stored).toEqual([{ request_hash: winnerHash }]);
    }
  });
});

describe('orders.changeStatus from the same status in several transactions at once', () => {
  it('returns the row to exactly one, whose change is the one kept', async () => {
    const targets: OrderStatus[] = ['paid', 'failed', 'expired', 'paid'];
    for (let round = 0; round < 5; round++) {
      const reference = await newOrder(550);
      const now = new Date().toISOString();
      const results = await together(async (tx, instance) => {
        const to = targets[instance % targets.length];
        const changed = await tx.orders.changeStatus({ merchantReference: reference, from: 'pending', to, paidAt: to === 'paid' ? now : null, now });
        await pause();
        return { to, changed };
      });
      const winners = results.filter((result) => result.changed !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0].changed).toEqual({ merchant_reference: reference, status: winners[0].to, amount_cents: 550, currency: 'NZD' });
      expect((await storages[0].orders.get(reference))?.status).toBe(winners[0].to);
    }
  });
});

describe('refunds reserved by several transactions at once', () => {
  /** What refund-order does in its transaction: read the order, what is reserved, reserve if it fits. */
  const reserve = (reference: string, amountCents: number) => async (tx: Stores, instance: number) => {
    const order = await tx.orders.get(reference);
    if (order === undefined) throw new Error(`no order ${reference}`);
    const reserved = await tx.refunds.reservedCents(reference);
    await pause();
    if (order.amount_cents - order.refunded_cents - reserved < amountCents) return false;
    await tx.refunds.insert({ id: unique(`R${instance}-`), merchantReference: reference, amountCents, reason: 'race', now: new Date().toISOString() });
    return true;
  };

  it('never reserve more than the order’s amount', async () => {
    for (let round = 0; round < 5; round++) {
      const reference = await newOrder(550, 'paid');
      const results = await together(reserve(reference, 200));
      // 5.50 holds two refunds of 2.00: two of the four fit, whatever the order they come in.
      expect(results.filter(Boolean)).toHaveLength(2);
      expect(await storages[0].refunds.reservedCents(reference)).toBe(400);
    }
  });

  it('count what was already refunded and what is held (unknown) as taken', async () => {
    const reference = await newOrder(550, 'paid');
    const now = new Date().toISOString();
    await storages[0].transaction(async (tx) => {
      await tx.orders.addRefunded(reference, 150, now); // 1.50 refunded
      await tx.refunds.insert({ id: unique('Rheld-'), merchantReference: reference, amountCents: 100, reason: 'held', now });
      await tx.refunds.finish((await tx.refunds.forOrder(reference))[0].id, 'pending', 'unknown', null, now); // 1.00 held
    });
    // 5.50 − 1.50 − 1.00 = 3.00 left: one refund of 2.00 fits, not two.
    const results = await together(reserve(reference, 200));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await storages[0].refunds.reservedCents(reference)).toBe(300);
  });
});
