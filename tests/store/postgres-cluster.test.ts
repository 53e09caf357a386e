import { Client } from 'pg';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/postgres';

/**
 * The PostgreSQL test infrastructure (tests/support/postgres-cluster.ts, postgres.ts): each
 * createTestDatabase() is a database of its own on the run's server. Only in the postgres jest
 * project (jest.config.js).
 */

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test databases on the PostgreSQL test server', () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of created) await database.drop();
  });

  test('two test databases are separate, and drop() removes them even with a connection open', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    created.push(a, b);
    expect(a.url).not.toBe(b.url);
    expect(a.url).toMatch(/^postgres:\/\/.+\/t_[0-9a-f]{16}$/);

    expect(await query(a.url, 'SELECT current_database() AS name')).toEqual([{ name: a.name }]);
    await query(a.url, 'CREATE TABLE orders (reference text PRIMARY KEY)');
    await query(a.url, "INSERT INTO orders VALUES ('M1')");
    const tables = "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'orders'";
    expect(await query(a.url, tables)).toEqual([{ n: 1 }]);
    expect(await query(b.url, tables)).toEqual([{ n: 0 }]);
    expect(await query(a.url, 'SHOW server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);

    // A connection left open (as by a pool a failing test did not close) does not stop drop().
    const leftOpen = new Client({ connectionString: a.url });
    leftOpen.on('error', () => {}); // it is terminated by the drop
    await leftOpen.connect();
    await a.drop();
    await b.drop();
    await a.drop(); // again: nothing to do
    const names = await query<{ datname: string }>(testDatabaseUrl(), 'SELECT datname FROM pg_database');
    expect(names.map((row) => row.datname)).not.toContain(a.name);
    expect(names.map((row) => row.datname)).not.toContain(b.name);
    await leftOpen.end().catch(() => {});
  });
});
