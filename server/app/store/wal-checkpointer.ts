import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** SQLite's own default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  /** How often the worker checkpoints. */
  intervalMs?: number;
  /** WAL size (pages) past which the worker makes the WAL start over (16 MiB by default: each start-over holds the server's writers back for a few ms). */
  restartPages?: number;
}

/**
 * The worker, plain CommonJS so that it runs the same under node, tsx and jest. Its own
 * connection copies the WAL into the database file every interval; PASSIVE never waits for
 * and never blocks the server. Under a steady stream of commits, though, the WAL never starts
 * over, so it would grow for as long as the load lasts. Past restartPages, once a PASSIVE run
 * has copied every frame it saw, a RESTART copies the few frames committed since and makes the
 * next commit write the WAL from its start; meanwhile the server's writers wait (in SQLite's
 * busy handler) for a few milliseconds. With no busy timeout of its own, the worker never
 * waits while it holds the write lock: should a reader still use the WAL (a sqlite3 shell, a
 * backup), the RESTART gives up at once and is tried again on a later tick.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = () => {
  const [{ busy, log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
  if (!busy && checkpointed === log && log > workerData.restartPages) db.pragma('wal_checkpoint(RESTART)');
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
