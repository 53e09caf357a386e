/** Helpers for tests of a sandbox kept in a SQLite file: temporary folders, restarts, the file's rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../server/sandbox';
import { ACCOUNT } from './sandbox-client';

/** A fresh temporary folder, and a function that deletes it. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latipay-sandbox-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Sandboxes started one after the other on the same file, as restarts of one sandbox.
 * `closeAll` closes whichever is still running (for afterEach).
 */
export class SandboxRuns {
  private running: RunningSandbox | null = null;

  constructor(
    readonly databasePath: string,
    private readonly defaults: StartSandboxOptions = {},
  ) {}

  /** Starts the sandbox (closing the running one first): the first start, or a restart. */
  async start(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
    await this.close();
    this.running = await startSandbox({
      ...ACCOUNT,
      retryMs: 50,
      maxAttempts: 3,
      notifyTimeoutMs: 1000,
      port: 0,
      databasePath: this.databasePath,
      ...this.defaults,
      ...options,
    });
    return this.running;
  }

  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.close();
  }
}

/** Rows of the file read by a connection of the test's own (read-only; fine while the sandbox runs: WAL). */
export function storedRows<T = Record<string, unknown>>(databasePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
