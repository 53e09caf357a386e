/**
 * Instances of the backend starting together on one new database: each brings the schema up to
 * date (store/postgres.ts under an advisory lock, store/db.ts under SQLite's write lock), and
 * every migration is applied once. Run on the jest project's database (testStorage()).
 */
import type { Storage } from '../../server/app/store';
import { MIGRATIONS } from '../../server/app/store/migrations';
import { createStorageDatabase, type TestDatabase } from '../server/helpers/storage';

let database: TestDatabase;
beforeEach(async () => {
  database = await createStorageDatabase();
});
afterEach(() => database.close());

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);
const recorded = async (storage: Storage) =>
  (await storage.sql.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version);

describe('storages opened at the same moment on a new database', () => {
  it('all open, and schema_migrations has each version once', async () => {
    const opened = await Promise.allSettled([database.open(), database.open(), database.open()]);
    expect(opened.map((result) => (result.status === 'rejected' ? String(result.reason) : 'opened'))).toEqual(['opened', 'opened', 'opened']);
    const storages = opened.map((result) => (result as PromiseFulfilledResult<Storage>).value);
    for (const storage of storages) expect(await recorded(storage)).toEqual(ALL_VERSIONS);
    const counts = await storages[0].sql.all<{ version: number; n: number }>(
      'SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version',
    );
    expect(counts).toEqual(ALL_VERSIONS.map((version) => ({ version, n: 1 })));
  });

  it('share one schema: what one writes, another reads', async () => {
    const [first, second] = await Promise.all([database.open(), database.open()]);
    const now = new Date().toISOString();
    await first.transaction((tx) =>
      tx.orders.insert({
        merchantReference: 'Mshared',
        buyerId: 'b1',
        lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: 100 }],
        productName: 'P',
        amountCents: 100,
        currency: 'NZD',
        createdAt: now,
      }),
    );
    expect(await second.orders.get('Mshared')).toMatchObject({ merchant_reference: 'Mshared', status: 'creating', amount_cents: 100 });
    expect((await second.orders.listByBuyer('b1', 10)).map((order) => order.merchant_reference)).toEqual(['Mshared']);
  });

  it('a storage opened later finds the work done and applies nothing again', async () => {
    const first = await database.open();
    const [{ applied_at: before }] = await first.sql.all<{ applied_at: string }>('SELECT applied_at FROM schema_migrations WHERE version = 1');
    const later = await database.open();
    expect(await recorded(later)).toEqual(ALL_VERSIONS);
    expect(await later.sql.all('SELECT applied_at FROM schema_migrations WHERE version = 1')).toEqual([{ applied_at: before }]);
  });
});
