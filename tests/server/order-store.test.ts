import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/app/store/db';
import { createOrderStore } from '../../server/app/store/orders';

let dir: string;
let db: Db;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'order-store-'));
  db = openDatabase(path.join(dir, 'shop.sqlite'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Latipay's order id", () => {
  const now = new Date().toISOString();
  const insert = (orders: ReturnType<typeof createOrderStore>, merchantReference: string) =>
    orders.insert({
      merchantReference,
      buyerId: null,
      lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: 1 }],
      productName: 'P',
      amountCents: 1,
      currency: 'NZD',
      createdAt: now,
    });

  it('comes from the create answer, which overwrites one filled in earlier', () => {
    const orders = createOrderStore(db);
    insert(orders, 'Mcreated');
    orders.fillLatipayOrderId('Mcreated', 'S-from-query', now);
    orders.markCreated('Mcreated', 'S-from-create', '{}', now);
    expect(orders.get('Mcreated')?.latipay_order_id).toBe('S-from-create');
  });

  it('is filled in by a query answer only when missing', () => {
    const orders = createOrderStore(db);
    insert(orders, 'Mfilled');
    orders.markCreated('Mfilled', 'S-from-create', '{}', now);
    orders.fillLatipayOrderId('Mfilled', 'S-other', now);
    expect(orders.get('Mfilled')?.latipay_order_id).toBe('S-from-create');
  });
});
