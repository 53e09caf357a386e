import type { Db } from '../app/store/db';
import type pg from 'pg';

/** The tables copied, parents first (refunds refer to orders). */
export const TABLES = ['orders', 'idempotency_keys', 'payment_results', 'refunds', 'anomalies', 'sessions', 'events', 'admin_sessions'] as const;
/** Tables whose id PostgreSQL draws from an identity: it must go on from the copied ids. */
const IDENTITIES = ['orders', 'payment_results', 'anomalies', 'events'] as const;
const BATCH_ROWS = 500;

export interface Totals {
  rows: Record<string, number>;
  /** Sums of money in cents: what the shop was paid, refunded, and asked to refund. */
  money: { orderCents: number; paidCents: number; refundedCents: number; refundCents: Record<string, number> };
}

export class CopyRefused extends Error {}

const PAID = "status IN ('paid', 'partially_refunded', 'refunded')";

/** The same report on both databases, so that the copy can be checked against the original. */
async function totals(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<Totals> {
  const one = async (sql: string) => Number((await query(sql))[0].n);
  const rows: Record<string, number> = {};
  for (const table of TABLES) rows[table] = await one(`SELECT COUNT(*) AS n FROM ${table}`);
  const refundCents: Record<string, number> = {};
  for (const row of await query('SELECT status, SUM(amount_cents) AS n FROM refunds GROUP BY status ORDER BY status')) {
    refundCents[String(row.status)] = Number(row.n);
  }
  return {
    rows,
    money: {
      orderCents: await one('SELECT COALESCE(SUM(amount_cents), 0) AS n FROM orders'),
      paidCents: await one(`SELECT COALESCE(SUM(amount_cents), 0) AS n FROM orders WHERE ${PAID}`),
      refundedCents: await one('SELECT COALESCE(SUM(refunded_cents), 0) AS n FROM orders'),
      refundCents,
    },
  };
}

export const sqliteTotals = (db: Db) => totals(async (sql) => db.prepare(sql).all() as Record<string, unknown>[]);
const postgresTotals = (client: pg.PoolClient) => totals(async (sql) => (await client.query(sql)).rows);

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
}

async function copyTable(db: Db, client: pg.PoolClient, table: string): Promise<void> {
  const columns = columnsOf(db, table);
  const list = columns.join(', ');
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${table} (${list}) VALUES ${values}`, batch.flat());
    batch = [];
  };
  for (const row of db.prepare(`SELECT ${list} FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length === BATCH_ROWS) await flush();
  }
  await flush();
}

/**
 * Copies every table of the SQLite database into the PostgreSQL one (already at the same
 * schema version) in one transaction, then checks the row counts and the sums of money on
 * both sides: anything different rolls the copy back. Refuses a PostgreSQL database that
 * holds any row already.
 */
export async function copyToPostgres(db: Db, pool: pg.Pool): Promise<Totals> {
  // One snapshot of SQLite for the totals and every table; a shop still running cannot write meanwhile.
  db.exec('BEGIN IMMEDIATE');
  try {
    return await copyFrom(db, pool);
  } finally {
    db.exec('ROLLBACK');
  }
}

async function copyFrom(db: Db, pool: pg.Pool): Promise<Totals> {
  const source = await sqliteTotals(db);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // No instance may write while the copy runs (nor start a second copy).
    await client.query(`LOCK TABLE ${TABLES.join(', ')} IN EXCLUSIVE MODE`);
    const before = await postgresTotals(client);
    const filled = Object.entries(before.rows).filter(([, n]) => n > 0);
    if (filled.length > 0) {
      throw new CopyRefused(`the PostgreSQL database is not empty (${filled.map(([t, n]) => `${t}: ${n}`).join(', ')}); nothing was copied`);
    }
    for (const table of TABLES) await copyTable(db, client, table);
    for (const table of IDENTITIES) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`);
    }
    const copied = await postgresTotals(client);
    if (JSON.stringify(copied) !== JSON.stringify(source)) {
      throw new CopyRefused(`the copy does not match the original; nothing was copied. SQLite: ${JSON.stringify(source)}; PostgreSQL: ${JSON.stringify(copied)}`);
    }
    await client.query('COMMIT');
    return copied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
