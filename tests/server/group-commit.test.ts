/**
 * GroupCommit shares one SQLite transaction among the transactions asked for together: about
 * SQLite only (PostgreSQL runs each transaction on its own pooled connection).
 */
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
    // Counts the COMMITs that succeed: GroupCommit ends each of its transactions with exec('COMMIT').
    const exec = db.exec.bind(db);
    db.exec = ((source: string) => {
      const result = exec(source);
      if (/^\s*COMMIT\b/i.test(source)) commits++;
      return result;
    }) as typeof db.exec;
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string) => async () => Number(db.prepare('INSERT INTO items (name) VALUES (?)').run(name).lastInsertRowid);
  const names = () => db.prepare('SELECT name FROM items ORDER BY id').pluck().all() as string[];

  it('runs the work queued in one turn in a single transaction and answers each caller', async () => {
    const group = new GroupCommit(db);
    const ids = await Promise.all(['a', 'b', 'c'].map((name) => group.run(insert(name))));
    expect(ids).toEqual([1, 2, 3]);
    expect(commits).toBe(1);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('keeps work that awaits between its statements inside the transaction', async () => {
    const group = new GroupCommit(db);
    const seen: boolean[] = [];
    const twoSteps = (first: string, second: string) => async () => {
      await insert(first)();
      seen.push(db.inTransaction);
      await Promise.resolve();
      await insert(second)();
      seen.push(db.inTransaction);
      return first + second;
    };
    expect(await Promise.all([group.run(twoSteps('a', 'b')), group.run(twoSteps('c', 'd'))])).toEqual(['ab', 'cd']);
    expect(seen).toEqual([true, true, true, true]);
    expect(commits).toBe(1);
    expect(names()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('answers only after the commit: another connection sees the rows once a caller is answered', async () => {
    const group = new GroupCommit(db);
    const reader = new Database(join(dir, 'shop.sqlite'), { readonly: true });
    try {
      const answered = group.run(async () => {
        await insert('visible')();
        // Inside the work: not committed yet, so another connection does not see it.
        expect(reader.prepare('SELECT COUNT(*) FROM items').pluck().get()).toBe(0);
      });
      await answered;
      expect(reader.prepare('SELECT COUNT(*) FROM items').pluck().get()).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('rolls back only the work that throws, running the others again on their own', async () => {
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([
      group.run(insert('x')),
      group.run(async () => {
        await insert('y')();
        throw new Error('boom');
      }),
      group.run(insert('x')), // UNIQUE violation
      group.run(insert('z')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('boom'));
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(names()).toEqual(['x', 'z']);
    // The shared transaction was rolled back; x and z were then committed on their own.
    expect(commits).toBe(2);
    expect(db.inTransaction).toBe(false);
  });

  it('starts a new transaction for work queued after a flush', async () => {
    const group = new GroupCommit(db);
    await group.run(insert('first'));
    await group.run(insert('second'));
    expect(commits).toBe(2);
    expect(names()).toEqual(['first', 'second']);
  });

  it('queues work asked for while a batch runs, and commits it in the next batch', async () => {
    const group = new GroupCommit(db);
    let later: Promise<number> | undefined;
    const first = group.run(async () => {
      // Asked for by work in progress (as a caller answered meanwhile would): not this batch.
      later = group.run(insert('later'));
      return insert('first')();
    });
    expect(await first).toBe(1);
    expect(await later).toBe(2);
    expect(commits).toBe(2);
    expect(names()).toEqual(['first', 'later']);
  });

  it('answers each caller alone when the shared commit fails', async () => {
    const group = new GroupCommit(db);
    db.exec('CREATE TABLE parents (id INTEGER PRIMARY KEY)');
    db.exec('CREATE TABLE children (parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)');
    const results = await Promise.allSettled([
      group.run(insert('kept?')),
      group.run(async () => db.prepare('INSERT INTO children (parent) VALUES (42)').run()), // fails at COMMIT
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(names()).toEqual(['kept?']);
    expect(db.inTransaction).toBe(false);
  });
});
