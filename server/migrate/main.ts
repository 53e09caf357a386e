import pg from 'pg';
import { loadConfig } from '../app/config/config';
import { openDatabase } from '../app/store/db';
import { migratePostgres } from '../app/store/postgres';
import { ConfigError } from '../env/parsers';
import { exitOnStartupFailure } from '../env/startup-failure';
import { CopyRefused, copyToPostgres } from './copy-to-postgres';

/**
 * `npm run migrate-to-postgres`: moves a shop from its SQLite file (DATABASE_PATH) to the
 * empty PostgreSQL database at DATABASE_URL. Stop the shop first: what it writes to SQLite
 * during the copy would not be copied.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.database.kind !== 'postgres') throw new ConfigError('DATABASE_URL', 'required: the PostgreSQL database to copy the shop into');
  // Both brought to the current schema first, as the backend would at start.
  const db = openDatabase(config.databasePath);
  const pool = new pg.Pool({ connectionString: config.database.url, max: 1, connectionTimeoutMillis: config.database.connectTimeoutMs });
  try {
    await migratePostgres(pool);
    const copied = await copyToPostgres(db, pool);
    const rows = Object.entries(copied.rows).map(([table, n]) => `${table} ${n}`).join(', ');
    console.log(`Copied ${config.databasePath} to PostgreSQL: ${rows}.`);
    console.log(`Checked: the same counts, and the same money (orders ${copied.money.orderCents}, paid ${copied.money.paidCents}, refunded ${copied.money.refundedCents} cents).`);
  } catch (err) {
    if (!(err instanceof CopyRefused)) throw err;
    console.error(`Refused: ${err.message}`);
    process.exitCode = 1;
  } finally {
    db.close();
    await pool.end();
  }
}

main().catch(exitOnStartupFailure);
