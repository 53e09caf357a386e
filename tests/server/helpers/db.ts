import Database from 'better-sqlite3';

/**
 * Reads an SQLite file directly (read-only): for tests about SQLite itself (migrations of a
 * file). What a running server recorded is read with `await server.rows(…)`, on either database.
 */
export function readRows<T = Record<string, unknown>>(databasePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
