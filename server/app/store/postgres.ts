import pg from 'pg';
import { MIGRATIONS } from './migrations';
import { createStores, type Storage, type Stores } from './index';
import { numberPlaceholders, type Sql } from './sql';
import { nowIso } from './db';
import { OutcomeUnknown, answeredByServer } from './outcome-unknown';

// BIGINT (ids, SUMs and COUNTs) arrives as text by default: here as a number, refused past 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`integer ${text} is beyond what JavaScript counts exactly`);
  return value;
});

export interface PostgresOptions {
  url: string;
  /** Connections in the pool (each instance has its own pool). */
  poolMax: number;
  /** How long a request may wait for a connection from the pool. */
  connectTimeoutMs: number;
}

type Queryable = pg.Pool | pg.PoolClient;

class PostgresSql implements Sql {
  readonly dialect = 'postgres';
  constructor(
    private readonly client: Queryable,
    readonly forUpdate: string,
  ) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.client.query(numberPlaceholders(sql), params as unknown[])).rows as T[];
  }

  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(numberPlaceholders(sql), params as unknown[])).rowCount ?? 0;
  }
}

/** PostgresSql that refuses a second statement: for work that claims to be one (Storage.atomicStatement). */
class OneStatementSql extends PostgresSql {
  private made = false;

  override async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.once();
    return super.all<T>(sql, params);
  }

  override async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    this.once();
    return super.run(sql, params);
  }

  private once(): void {
    if (this.made) throw new OutcomeUnknown('atomicStatement work made a second statement (the first is committed): it needs transaction()');
    this.made = true;
  }
}

/** Arbitrary, fixed: the advisory lock every instance takes to run the migrations. */
const MIGRATION_LOCK = 7_351_214_001;
/** serialization_failure, deadlock_detected: the transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * Applies the migrations not yet recorded, each in its own transaction, under an advisory lock:
 * instances starting together take turns, and the later ones find the work done.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
      );
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.postgres);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version, migration.name, nowIso(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/**
 * The shared store for several instances: a pool of connections to one PostgreSQL database.
 * Transactions are READ COMMITTED; rows read to be changed are locked (Sql.forUpdate), and the
 * few races left to the database (a duplicate Idempotency-Key) are settled by constraints.
 */
export async function openPostgresStorage(options: PostgresOptions): Promise<Storage & { pool: pg.Pool }> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'latipay-shop',
  });
  // An idle connection the server dropped: the pool replaces it; without a listener it would crash the process.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const sql = new PostgresSql(pool, '');
  const stores = createStores(sql);

  async function retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (n >= MAX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw err;
      }
    }
  }

  async function attempt<T>(work: (tx: Stores) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      let value: T;
      try {
        value = await work(createStores(new PostgresSql(client, ' FOR UPDATE')));
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      }
      try {
        await client.query('COMMIT');
      } catch (err) {
        // An error PostgreSQL answered ends the transaction, rolled back; without an answer, who knows.
        if (answeredByServer(err)) throw err;
        broken = true;
        throw new OutcomeUnknown('the connection failed during COMMIT', { cause: err });
      }
      return value;
    } finally {
      client.release(broken);
    }
  }

  return {
    kind: 'postgres',
    pool,
    sql,
    ...stores,
    transaction: <T>(work: (tx: Stores) => Promise<T>) => retried(() => attempt(work)),
    // A statement is a transaction of its own: no BEGIN and COMMIT, two round trips fewer.
    atomicStatement: <T>(work: (tx: Stores) => Promise<T>) =>
      retried(async () => {
        try {
          return await work(createStores(new OneStatementSql(pool, '')));
        } catch (err) {
          if (err instanceof OutcomeUnknown || answeredByServer(err)) throw err;
          throw new OutcomeUnknown('the connection failed during a statement that commits by itself', { cause: err });
        }
      }),
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}
