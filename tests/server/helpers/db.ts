import Database from 'better-sqlite3';

/** Reads the server's SQLite file directly (read-only), to check what was recorded. */
export function readRows<T = Record<string, unknown>>(databasePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
