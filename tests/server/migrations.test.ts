import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../server/app/store/db';
import { MIGRATIONS } from '../../server/app/store/migrations';
import { readRows } from './helpers/db';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'server/node_modules/.bin/tsx');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const versions = (file: string) => readRows<{ version: number }>(file, 'SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version);

describe('schema migrations', () => {
  it('bring a database made before migrations were recorded up to date, keeping its notifications', () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    old.exec(MIGRATIONS[0].sql); // the schema as first released, with no schema_migrations table
    old.prepare(`INSERT INTO notifications (source, merchant_reference, status, amount, currency, fields, outcome, received_at)
                 VALUES ('notify', 'Mold', 'paid', '0.01', 'NZD', '{}', 'applied', '2026-11-01T00:00:00.000Z')`).run();
    old.close();

    openDatabase(file).close();

    expect(versions(file)).toEqual(MIGRATIONS.map((m) => m.version));
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
    expect(versions(file)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('apply each migration once when two processes open a new database at the same moment', async () => {
    const file = path.join(dir, 'shared.sqlite');
    const open = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(TSX, ['-e', `require('./server/app/store/db').openDatabase(${JSON.stringify(file)}).close()`], {
          cwd: ROOT,
          stdio: 'ignore',
        });
        child.on('exit', resolve);
      });
    expect(await Promise.all([open(), open()])).toEqual([0, 0]);
    expect(versions(file)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
