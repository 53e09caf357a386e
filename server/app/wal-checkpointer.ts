import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** SQLite's own default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  /** How often the worker checkpoints. */
  intervalMs?: number;
  /** WAL size (pages) past which the worker makes the WAL start over (16 MiB by default). */
  restartPages?: number;
}

/**
 * The worker, plain CommonJS so that it runs the same under node, tsx and jest. Its own
 * connection copies the WAL into the database file every interval; PASSIVE never waits for
 * and never blocks the server. Under a steady stream of commits, though, a passive checkpoint
 * never catches up with the last frame, so the WAL would never start over and would grow
 * for as long as the load lasts: past restartPages, a RESTART checkpoint holds new writers
 * back (they wait in SQLite's busy handler) for the few frames left, and the next commit
 * writes the WAL from its start again.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
  if (log > workerData.restartPages) db.pragma('wal_checkpoint(RESTART)');
};
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
 * commit crosses 1,000 WAL pages: the event loop then copies pages and waits for fsync. Should
 * the worker fail, the server's own connection checkpoints again as SQLite does by default.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(
    private readonly db: Db,
    onFailure: (err: unknown) => void,
    { intervalMs = 100, restartPages = 4096 }: CheckpointerOptions = {},
  ) {
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: db.name, betterSqlite3: require.resolve('better-sqlite3'), intervalMs, restartPages },
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
