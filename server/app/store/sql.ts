/**
 * What the stores need of a database: statements with `?` placeholders, run on SQLite
 * (better-sqlite3) or PostgreSQL (pg). The stores are written once against this; only the
 * schema (migrations.ts) and the transaction machinery differ between the two.
 */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Appended to a SELECT that a transaction reads in order to change: on PostgreSQL it locks
   * the rows until the transaction ends (` FOR UPDATE`); SQLite has a single writer anyway.
   */
  readonly forUpdate: string;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * `?` → `$1`, `$2`… for PostgreSQL. Our statements have no `?` inside string literals or
 * comments, so a plain scan is enough; the result is cached per statement text.
 */
const numbered = new Map<string, string>();
export function numberPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

/**
 * Appended to the SELECT of rows a statement is about to claim: on PostgreSQL it locks them and
 * passes over rows another transaction holds, so instances claiming together take different
 * rows; SQLite has a single writer anyway.
 */
export function skipLocked(db: Sql): string {
  return db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** `(?, ?), (?, ?)…`: the VALUES rows of a multi-row statement (rows × columns placeholders). */
export function valueRows(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** `?, ?, ?`: the list of an `IN (…)` of `count` values. */
export function inList(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
