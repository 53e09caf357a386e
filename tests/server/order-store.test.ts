import type { Storage } from '../../server/app/store';
import type { OrderStore } from '../../server/app/store/orders';
import { createStorageDatabase, type TestDatabase } from './helpers/storage';

let database: TestDatabase;
let storage: Storage;
beforeAll(async () => {
  database = await createStorageDatabase();
  storage = await database.open();
});
afterAll(() => database.close());

describe("Latipay's order id", () => {
  const now = new Date().toISOString();
  const insert = (orders: OrderStore, merchantReference: string) =>
    orders.insert({
      merchantReference,
      buyerId: null,
      lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: 1 }],
      productName: 'P',
      amountCents: 1,
      currency: 'NZD',
      createdAt: now,
    });

  it('comes from the create answer, which overwrites one filled in earlier', async () => {
    await storage.transaction(async ({ orders }) => {
      await insert(orders, 'Mcreated');
      await orders.fillLatipayOrderId('Mcreated', 'S-from-query', now);
    });
    expect((await storage.orders.get('Mcreated'))?.latipay_order_id).toBe('S-from-query');
    const created = await storage.transaction(({ orders }) => orders.markCreated('Mcreated', 'S-from-create', '{}', now));
    expect(created).toMatchObject({ merchant_reference: 'Mcreated', status: 'pending', latipay_order_id: 'S-from-create' });
    expect((await storage.orders.get('Mcreated'))?.latipay_order_id).toBe('S-from-create');
  });

  it('is filled in by a query answer only when missing', async () => {
    await storage.transaction(async ({ orders }) => {
      await insert(orders, 'Mfilled');
      await orders.markCreated('Mfilled', 'S-from-create', '{}', now);
      await orders.fillLatipayOrderId('Mfilled', 'S-other', now);
    });
    expect((await storage.orders.get('Mfilled'))?.latipay_order_id).toBe('S-from-create');
  });

  it('is not created for an unknown order', async () => {
    expect(await storage.transaction(({ orders }) => orders.markCreated('Mnosuchorder', 'S-1', '{}', now))).toBeUndefined();
    expect(await storage.orders.get('Mnosuchorder')).toBeUndefined();
  });
});
