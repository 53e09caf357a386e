import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '../../server/app/store/db';
import { GroupCommit } from '../../server/app/store/group-commit';

describe('GroupCommit', () => {
  let dir: string;
  let db: Db;
  let commits: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = openDatabase(join(dir, 'shop.sqlite'));
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
    commits = 0;
    // Counts real COMMITs: the WAL grows by one commit frame set per transaction.
    const original = db.transaction.bind(db);
    db.transaction = ((fn: (...args: unknown[]) => unknown) => {
      const tx = original(fn);
      const wrap = Object.assign((...args: unknown[]) => tx(...args), tx);
      wrap.immediate = (...args: unknown[]) => {
        const outermost = !db.inTransaction;
        const value = tx.immediate(...args);
        if (outermost) commits++;
        return value;
      };
      return wrap;
    }) as typeof db.transaction;
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string) => () => db.prepare('INSERT INTO items (name) VALUES (?)').run(name).lastInsertRowid;
  const names = () => (db.prepare('SELECT name FROM items ORDER BY id').pluck().all() as string[]);

  it('runs the work queued in one turn in a single transaction and answers each caller', async () => {
    const group = new GroupCommit(db);
    const ids = await Promise.all(['a', 'b', 'c'].map((name) => group.run(insert(name))));
    expect(ids).toEqual([1, 2, 3]);
    expect(commits).toBe(1);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('answers only after the commit: another connection sees the rows once a caller is answered', async () => {
    const group = new GroupCommit(db);
    const reader = new Database(join(dir, 'shop.sqlite'), { readonly: true });
    try {
      await group.run(insert('visible'));
      expect(reader.prepare('SELECT COUNT(*) FROM items').pluck().get()).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('rolls back only the work that throws, running the others again on their own', async () => {
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([
      group.run(insert('x')),
      group.run(() => {
        insert('y')();
        throw new Error('boom');
      }),
      group.run(insert('x')), // UNIQUE violation
      group.run(insert('z')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('boom'));
    expect(names()).toEqual(['x', 'z']);
    // The shared transaction was rolled back; x and z were then committed on their own.
    expect(commits).toBe(2);
  });

  it('starts a new transaction for work queued after a flush', async () => {
    const group = new GroupCommit(db);
    await group.run(insert('first'));
    await group.run(insert('second'));
    expect(commits).toBe(2);
    expect(names()).toEqual(['first', 'second']);
  });

  it('answers each caller alone when the shared commit fails', async () => {
    const group = new GroupCommit(db);
    db.exec('CREATE TABLE parents (id INTEGER PRIMARY KEY)');
    db.exec('CREATE TABLE children (parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)');
    const results = await Promise.allSettled([
      group.run(insert('kept?')),
      group.run(() => db.prepare('INSERT INTO children (parent) VALUES (42)').run()), // fails at COMMIT
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(names()).toEqual(['kept?']);
  });
});
