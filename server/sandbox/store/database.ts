import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SANDBOX_SCHEMA } from './schema';

export type SandboxDb = Database.Database;

/** The databasePath that keeps everything in memory, as when no path is given. */
export const IN_MEMORY = ':memory:';

export function isInMemory(databasePath: string | undefined): boolean {
  return databasePath === undefined || databasePath === IN_MEMORY;
}

/** The sandbox's database could not be opened: the path is what to fix. */
export class SandboxDatabaseError extends Error {
  constructor(
    readonly databasePath: string,
    cause: unknown,
  ) {
    super(`cannot open the SQLite file "${databasePath}": ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SandboxDatabaseError';
  }
}

/**
 * Opens the sandbox's SQLite database, with its schema. No path, or `:memory:`, gives a
 * database in memory (nothing written to disk, gone when closed); a file path creates the file
 * and its folder when missing. Same settings as the merchant backend's database: WAL,
 * synchronous NORMAL (a process crash loses nothing), a busy timeout.
 */
export function openSandboxDatabase(databasePath?: string): SandboxDb {
  if (isInMemory(databasePath)) return prepare(new Database(IN_MEMORY));
  const file = databasePath as string;
  let db: SandboxDb | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return prepare(db);
  } catch (err) {
    db?.close();
    throw new SandboxDatabaseError(file, err);
  }
}

function prepare(db: SandboxDb): SandboxDb {
  db.pragma('foreign_keys = ON');
  db.exec(SANDBOX_SCHEMA);
  return db;
}
