/** The database a benchmarked server runs on, and a connection of the bench's own to check what it recorded. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStorage } from '../app/store/postgres';
import { openSqliteStorage } from '../app/store/sqlite';
import type { Sql } from '../app/store/sql';

export interface BenchDatabase {
  label: 'SQLite' | 'PostgreSQL';
  /** The server's settings for it. */
  env: Record<string, string>;
  sql: Sql;
  close(): Promise<void>;
}

export function sqliteDatabase(dir: string): BenchDatabase {
  const file = join(dir, `bench-${randomBytes(4).toString('hex')}.sqlite`);
  const storage = openSqliteStorage(file);
  return { label: 'SQLite', env: { DATABASE_PATH: file }, sql: storage.sql, close: () => storage.close() };
}

/** A new database on the PostgreSQL server at `serverUrl` (its role may CREATE DATABASE), dropped by close(). */
export async function postgresDatabase(serverUrl: string, poolMax: number): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const storage = await openPostgresStorage({ url: url.href, poolMax: 2, connectTimeoutMs: 5000 });
  return {
    label: 'PostgreSQL',
    env: { DATABASE_URL: url.href, DATABASE_POOL_MAX: String(poolMax) },
    sql: storage.sql,
    async close() {
      await storage.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
