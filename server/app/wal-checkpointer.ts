import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** SQLite's own default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_INTERVAL_MS = 100;

/**
 * The worker, plain CommonJS so that it runs the same under node, tsx and jest. Its own
 * connection copies the WAL into the database file every interval. PASSIVE never waits for
 * and never blocks the server's writers and readers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Runs WAL checkpoints on a worker thread. Left to SQLite, a checkpoint runs inside whichever
 * commit crosses 1,000 WAL pages: the event loop then copies pages and waits for fsync, which
 * took about 40% of the database time per order and per notification under load. Should the
 * worker fail, the server's own connection checkpoints again as SQLite does by default.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(
    private readonly db: Db,
    onFailure: (err: unknown) => void,
    intervalMs = DEFAULT_INTERVAL_MS,
  ) {
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: db.name, betterSqlite3: require.resolve('better-sqlite3'), intervalMs },
    });
    this.worker.unref();
    this.worker.once('error', (err) => {
      this.fallBack();
      onFailure(err);
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Takes a last checkpoint and ends the worker; the server's connection checkpoints from then on. */
  async stop(): Promise<void> {
    // Referenced again, or an otherwise idle process would exit before the worker has.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
    this.fallBack();
  }

  private fallBack(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
