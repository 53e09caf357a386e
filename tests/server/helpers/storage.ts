import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from '../../../server/app/store';
import { openPostgresStorage } from '../../../server/app/store/postgres';
import { openSqliteStorage } from '../../../server/app/store/sqlite';
import { createTestDatabase } from '../../support/postgres';
import { testStorage } from '../../support/test-storage';

/**
 * A fresh database of the jest project's kind (testStorage()): a temporary SQLite file, or a
 * new database on the test PostgreSQL cluster. open() opens a Storage on it, as an instance of
 * the backend would: each with its own connection (SQLite) or pool (PostgreSQL).
 */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL URL. */
  location: string;
  open(): Promise<Storage>;
  /** Closes every Storage opened, then deletes the database. */
  close(): Promise<void>;
}

export async function createStorageDatabase(): Promise<TestDatabase> {
  const opened: Storage[] = [];
  const closeAll = async () => {
    for (const storage of opened.splice(0)) await storage.close();
  };
  if (testStorage() === 'postgres') {
    const database = await createTestDatabase();
    return {
      kind: 'postgres',
      location: database.url,
      async open() {
        const storage = await openPostgresStorage({ url: database.url, poolMax: 4, connectTimeoutMs: 5000 });
        opened.push(storage);
        return storage;
      },
      async close() {
        await closeAll();
        await database.drop();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'storage-'));
  const file = path.join(dir, 'shop.sqlite');
  return {
    kind: 'sqlite',
    location: file,
    async open() {
      const storage = openSqliteStorage(file);
      opened.push(storage);
      return storage;
    },
    async close() {
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
