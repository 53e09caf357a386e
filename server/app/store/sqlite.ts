import type { Statement } from 'better-sqlite3';
import { openDatabase, type Db } from './db';
import { GroupCommit } from './group-commit';
import { createStores, type Storage } from './index';
import type { Sql } from './sql';

/** Sql on one better-sqlite3 connection, each statement prepared once. */
class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  readonly forUpdate = '';
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }

  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.prepare(sql).run(...params).changes;
  }
}

/**
 * The embedded store: one SQLite file in WAL mode. Transactions asked for together share one
 * commit (GroupCommit); writes are made only inside them.
 */
export function openSqliteStorage(file: string): Storage & { db: Db } {
  const db = openDatabase(file);
  const sql = new SqliteSql(db);
  const stores = createStores(sql);
  const groupCommit = new GroupCommit(db);
  const ping = db.prepare('SELECT 1');
  return {
    kind: 'sqlite',
    db,
    sql,
    ...stores,
    transaction: (work) => groupCommit.run(() => work(stores)),
    atomicStatement: (work) => groupCommit.run(() => work(stores)),
    ping: async () => void ping.get(),
    close: async () => void db.close(),
  };
}
