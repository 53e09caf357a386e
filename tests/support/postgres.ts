/**
 * A fresh PostgreSQL database per test (file, or describe block), on the server of the jest
 * run: TEST_DATABASE_URL, set by the globalSetup (postgres-cluster.ts) or by whoever runs jest.
 *
 *   let db: TestDatabase;
 *   beforeEach(async () => { db = await createTestDatabase(); });
 *   afterEach(async () => { await db.drop(); });
 *   // … connect to db.url (pg's `connectionString`, or the backend's DATABASE_URL)
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  /** postgres://…/t_<16 hex digits>: TEST_DATABASE_URL with the new database's name. */
  url: string;
  /** t_<16 hex digits> */
  name: string;
  /** Drops the database, ending the connections still open to it. Repeating it does nothing. */
  drop(): Promise<void>;
}

/** The server's URL (its administrative database), or a clear error when there is none. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run the tests through jest (its globalSetup starts a throwaway ' +
        'PostgreSQL, unless TEST_POSTGRES=0) or set it to a server whose role may CREATE DATABASE',
    );
  }
  return url;
}

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (a copy of template1) with a random name. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`; // a plain identifier: no quoting needed
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop() {
      // WITH (FORCE) (PostgreSQL 13+) terminates the sessions still connected to it, e.g. a pool
      // a failed test did not close.
      dropped ??= onServer(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      return dropped;
    },
  };
}
