import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Applies the migrations this database has not had yet. BEGIN IMMEDIATE takes the write lock
 * before reading what was applied, so two processes starting together on one file apply each
 * migration once: the second waits (busy_timeout), then finds it done. Foreign keys are off
 * meanwhile (they cannot change inside a transaction), so a table can be rebuilt; each
 * migration is checked with foreign_key_check before it commits.
 */
function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of MIGRATIONS) {
      db.transaction(() => {
        if (applied.get(migration.version)) return;
        db.exec(migration.sqlite);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${migration.version} broke ${broken.length} foreign keys`);
        record.run(migration.version, migration.name, nowIso());
      }).immediate();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/** Opens (creating when missing) the SQLite file, brought up to the current schema. */
export function openDatabase(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // In WAL mode NORMAL survives a process crash (every commit is in the WAL before the answer
  // goes out); only an OS crash or power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function nowIso(): string {
  return new Date().toISOString();
}
