import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { OrderStatus } from '../../server/contract';
import type { Storage } from '../../server/app/store';
import { openDatabase } from '../../server/app/store/db';
import { MIGRATIONS } from '../../server/app/store/migrations';
import { openPostgresStorage } from '../../server/app/store/postgres';
import { openSqliteStorage } from '../../server/app/store/sqlite';
import { createTestDatabase } from '../support/postgres';
import { testStorage } from '../support/test-storage';
import { readRows } from './helpers/db';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'server/node_modules/.bin/tsx');
const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);
/** The last version before orders were rebuilt (6): the schema of the previous release. */
const BEFORE_V6 = MIGRATIONS.filter((m) => m.version < 6);

/** Runs `script` (CommonJS, from the repository root) in a process of its own; resolves with its exit code. */
function inProcess(script: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['-e', script], { cwd: ROOT, stdio: 'ignore' });
    child.on('exit', resolve);
  });
}

/**
 * The error `promise` fails with, as text ('' when it succeeds). Not `.rejects.toThrow`: once
 * another test file of this jest worker loaded better-sqlite3, its native part throws that
 * file's SqliteError, which is no `Error` of this file's realm, and toThrow sees nothing thrown.
 */
const failure = (promise: Promise<unknown>): Promise<string> => promise.then(() => '', (err: unknown) => String(err));

const versionsOf = async (storage: Storage) =>
  (await storage.sql.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);

/**
 * What every database must do, given how to make one at the previous release's schema
 * (versions 1–5) with an order, its refund and a payment result in it.
 */
function upgradeTests(makeV5: () => Promise<{ open(): Promise<Storage>; close(): Promise<void> }>) {
  it('bring a database of the previous release to the current version, keeping its orders, refunds and results', async () => {
    const database = await makeV5();
    try {
      const storage = await database.open();
      expect(await versionsOf(storage)).toEqual(ALL_VERSIONS);
      expect(await storage.sql.all('SELECT merchant_reference, status, amount_cents, refunded_cents, checks, next_check_at, lease_until FROM orders')).toEqual([
        { merchant_reference: 'Mold', status: 'partially_refunded', amount_cents: 550, refunded_cents: 200, checks: 0, next_check_at: null, lease_until: null },
      ]);
      expect(await storage.sql.all('SELECT id, merchant_reference, status FROM refunds')).toEqual([
        { id: 'Rold', merchant_reference: 'Mold', status: 'succeeded' },
      ]);
      expect(await storage.sql.all('SELECT merchant_reference, outcome FROM payment_results')).toEqual([
        { merchant_reference: 'Mold', outcome: 'applied' },
      ]);
      // The order keeps its id (what `before` paging counts from), and new ones come after it.
      const [order] = await storage.sql.all<{ id: number }>('SELECT id FROM orders');
      expect(order.id).toBe(1);
      // The new status is allowed; the CHECK still refuses others.
      const now = new Date().toISOString();
      const expired = await storage.transaction(async (tx) => {
        await tx.orders.insert({
          merchantReference: 'Mnew', buyerId: null, lines: [{ productId: 'p', name: 'P', quantity: 1, unitPriceCents: 1 }],
          productName: 'P', amountCents: 1, currency: 'NZD', createdAt: now,
        });
        return tx.orders.changeStatus({ merchantReference: 'Mnew', from: 'creating', to: 'expired', paidAt: null, now });
      });
      expect(expired).toMatchObject({ merchant_reference: 'Mnew', status: 'expired' });
      const [{ id }] = await storage.sql.all<{ id: number }>("SELECT id FROM orders WHERE merchant_reference = 'Mnew'");
      expect(id).toBe(2);
      expect(
        await failure(
          storage.transaction((tx) =>
            tx.orders.changeStatus({ merchantReference: 'Mnew', from: 'expired', to: 'lost' as OrderStatus, paidAt: null, now }),
          ),
        ),
      ).toMatch(/check constraint/i);
      // Refunds still point at orders.
      expect(
        await failure(storage.transaction((tx) => tx.refunds.insert({ id: 'Rorphan', merchantReference: 'Mnothing', amountCents: 1, reason: 'x', now }))),
      ).toMatch(/foreign key/i);
      // Events and admin sessions exist.
      expect(await storage.sql.all('SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 0 }]);
      expect(await storage.sql.all('SELECT COUNT(*) AS n FROM admin_sessions')).toEqual([{ n: 0 }]);
    } finally {
      await database.close();
    }
  });
}

/** Rows of the previous release's schema, for upgradeTests (both databases take these statements). */
const V5_ROWS = [
  `INSERT INTO orders (merchant_reference, buyer_id, product_id, product_name, quantity, amount_cents, currency, status,
     latipay_order_id, refunded_cents, created_at, paid_at, updated_at, items)
   VALUES ('Mold', 'b1', 'flat-white', 'Flat white', 1, 550, 'NZD', 'partially_refunded',
     'L1', 200, '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', NULL)`,
  `INSERT INTO refunds (id, merchant_reference, amount_cents, reason, status, created_at, updated_at)
   VALUES ('Rold', 'Mold', 200, 'x', 'succeeded', '2026-01-01T00:02:00.000Z', '2026-01-01T00:02:00.000Z')`,
  `INSERT INTO payment_results (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
   VALUES ('notify', 'Mold', 'paid', '5.50', 'NZD', '{}', 'applied', '2026-01-01T00:01:00.000Z')`,
];
const SCHEMA_MIGRATIONS = 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';

if (testStorage() === 'postgres') {
  describe('schema migrations on PostgreSQL', () => {
    const databases: Array<{ drop(): Promise<void> }> = [];
    afterEach(async () => {
      for (const database of databases.splice(0)) await database.drop();
    });
    const fresh = async () => {
      const database = await createTestDatabase();
      databases.push(database);
      return database.url;
    };
    const open = (url: string) => openPostgresStorage({ url, poolMax: 2, connectTimeoutMs: 5000 });

    it('apply each migration once, however often the database is opened', async () => {
      const url = await fresh();
      await (await open(url)).close();
      const storage = await open(url);
      try {
        expect(await versionsOf(storage)).toEqual(ALL_VERSIONS);
      } finally {
        await storage.close();
      }
    });

    it('apply each migration once when two processes open a new database at the same moment', async () => {
      const url = await fresh();
      const script = `require('./server/app/store/postgres')
        .openPostgresStorage({ url: ${JSON.stringify(url)}, poolMax: 2, connectTimeoutMs: 5000 })
        .then((storage) => storage.close())`;
      expect(await Promise.all([inProcess(script), inProcess(script)])).toEqual([0, 0]);
      const storage = await open(url);
      try {
        expect(await versionsOf(storage)).toEqual(ALL_VERSIONS);
      } finally {
        await storage.close();
      }
    });

    it('leave nothing of a migration that fails, and apply it on the next start', async () => {
      const url = await fresh();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        // A table in the way of version 7 (events): its migration fails as a whole.
        await client.query('CREATE TABLE events (id INTEGER)');
        expect(await failure(open(url))).toMatch(/events/);
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(ALL_VERSIONS.filter((v) => v < 7));
        const index = await client.query("SELECT 1 FROM pg_indexes WHERE indexname = 'events_by_order'");
        expect(index.rows).toEqual([]);
        await client.query('DROP TABLE events');
      } finally {
        await client.end();
      }
      const storage = await open(url);
      try {
        expect(await versionsOf(storage)).toEqual(ALL_VERSIONS);
      } finally {
        await storage.close();
      }
    });

    upgradeTests(async () => {
      const url = await fresh();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(SCHEMA_MIGRATIONS);
        for (const migration of BEFORE_V6) {
          await client.query(migration.postgres);
          await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, '2026-01-01T00:00:00.000Z']);
        }
        for (const row of V5_ROWS) await client.query(row);
      } finally {
        await client.end();
      }
      const opened: Storage[] = [];
      return {
        open: async () => {
          const storage = await open(url);
          opened.push(storage);
          return storage;
        },
        close: async () => {
          for (const storage of opened) await storage.close();
        },
      };
    });
  });
} else {
  describe('schema migrations on SQLite', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const versions = (file: string) => readRows<{ version: number }>(file, 'SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version);

    it('bring a database made before migrations were recorded up to date, keeping its notifications', () => {
      const file = path.join(dir, 'old.sqlite');
      const old = new Database(file);
      old.exec(MIGRATIONS[0].sqlite); // the schema as first released, with no schema_migrations table
      old.prepare(`INSERT INTO notifications (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
                   VALUES ('notify', 'Mold', 'paid', '0.01', 'NZD', '{}', 'applied', '2026-11-01T00:00:00.000Z')`).run();
      old.close();

      openDatabase(file).close();

      expect(versions(file)).toEqual(ALL_VERSIONS);
      expect(readRows(file, 'SELECT merchant_reference, status, outcome FROM payment_results')).toEqual([
        { merchant_reference: 'Mold', status: 'paid', outcome: 'applied' },
      ]);
      const tables = readRows<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name LIKE 'notifications%'");
      expect(tables).toEqual([]);
    });

    it('apply each migration once, however often the database is opened', () => {
      const file = path.join(dir, 'shop.sqlite');
      openDatabase(file).close();
      openDatabase(file).close();
      expect(versions(file)).toEqual(ALL_VERSIONS);
    });

    it('apply each migration once when two processes open a new database at the same moment', async () => {
      const file = path.join(dir, 'shared.sqlite');
      const script = `require('./server/app/store/db').openDatabase(${JSON.stringify(file)}).close()`;
      expect(await Promise.all([inProcess(script), inProcess(script)])).toEqual([0, 0]);
      expect(versions(file)).toEqual(ALL_VERSIONS);
    });

    it('leave foreign keys on once migrated', () => {
      const db = openDatabase(path.join(dir, 'shop.sqlite'));
      try {
        expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      } finally {
        db.close();
      }
    });

    upgradeTests(async () => {
      const file = path.join(dir, 'v5.sqlite');
      const old = new Database(file);
      old.pragma('foreign_keys = ON');
      old.exec(SCHEMA_MIGRATIONS);
      for (const migration of BEFORE_V6) {
        old.exec(migration.sqlite);
        old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, '2026-01-01T00:00:00.000Z');
      }
      for (const row of V5_ROWS) old.exec(row);
      old.close();
      const opened: Storage[] = [];
      return {
        open: async () => {
          const storage = openSqliteStorage(file);
          opened.push(storage);
          return storage;
        },
        close: async () => {
          for (const storage of opened) await storage.close();
        },
      };
    });
  });
}
