import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../server/app/store/db';
import { WalCheckpointer } from '../../server/app/store/wal-checkpointer';

const autocheckpoint = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true });

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    file = join(dir, 'shop.sqlite');
    db = openDatabase(file);
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = db.prepare('INSERT INTO items (payload) VALUES (?)');
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
  };

  it('copies the WAL into the database file from its worker, never from the server connection', async () => {
    const failures: unknown[] = [];
    const checkpointer = new WalCheckpointer(db, (err) => failures.push(err), { intervalMs: 20 });
    expect(autocheckpoint(db)).toBe(0);
    const before = statSync(file).size;

    write(3000); // ~1.5 MB in 3,000 commits
    // The server connection does not checkpoint any more: only the worker can grow the file.
    await until(() => statSync(file).size > before + 1_000_000);
    expect(failures).toEqual([]);

    await checkpointer.stop();
    expect(autocheckpoint(db)).toBe(1000);
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(3000);
  });

  it('keeps the WAL from growing without end under commits that never pause', async () => {
    const checkpointer = new WalCheckpointer(db, () => undefined, { intervalMs: 5, restartPages: 100 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up
    const wal = `${file}-wal`;
    let largest = 0;
    // One commit after another on this thread, no pause: a passive checkpoint never catches up.
    const insert = db.prepare('INSERT INTO items (payload) VALUES (?)');
    const until = Date.now() + 1500;
    let commits = 0;
    while (Date.now() < until) {
      insert.run('x'.repeat(500));
      commits++;
      if (commits % 100 === 0) largest = Math.max(largest, statSync(wal).size);
    }
    await checkpointer.stop();
    // Each commit adds at least one 4 KiB page to the WAL: without the restart it would hold them all.
    expect(largest).toBeLessThan((commits * 4096) / 3);
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(commits);
  });

  it('never holds the server writes back while another connection is still reading the WAL', async () => {
    const checkpointer = new WalCheckpointer(db, () => undefined, { intervalMs: 5, restartPages: 50 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up
    write(10);
    // A reader on an old snapshot (a sqlite3 shell, a backup): the WAL cannot start over under it.
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM items').get();
    const insert = db.prepare('INSERT INTO items (payload) VALUES (?)');
    let slowest = 0;
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      const started = performance.now();
      insert.run('x'.repeat(500));
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setImmediate(resolve)); // as between requests
    }
    reader.exec('COMMIT');
    reader.close();
    await checkpointer.stop();
    expect(slowest).toBeLessThan(250);
  });

  it('hands checkpoints back to the server connection when its worker fails', async () => {
    unlinkSync(file); // the worker's own connection cannot open the file
    const failures: unknown[] = [];
    const checkpointer = new WalCheckpointer(db, (err) => failures.push(err), { intervalMs: 20 });
    await until(() => failures.length > 0);
    expect(failures[0]).toMatchObject({ code: 'SQLITE_CANTOPEN' });
    expect(autocheckpoint(db)).toBe(1000);
    await checkpointer.stop();
  });
});
