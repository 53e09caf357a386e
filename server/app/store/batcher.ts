import type { Storage } from './index';

interface Queued<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

export interface BatchLimits {
  /** Inputs per batch at most (each batch is one set of multi-row statements). */
  maxSize: number;
  /** Batches running at once at most; inputs arriving meanwhile wait and form the next. */
  maxInFlight: number;
}

/**
 * Many requests' database work done by one call: the inputs given in one turn of the event
 * loop, and those arriving while `maxInFlight` batches are running, go to `runBatch` together,
 * which answers each input in order. On PostgreSQL every statement is a round trip that costs
 * both processes far more than the rows it carries, so a burst of orders or notifications is
 * written with a few multi-row statements instead of a few statements each.
 *
 * When a batch fails, each of its inputs runs again alone, so that the one that fails fails
 * alone (runBatch must be safe to run again: a transaction that was rolled back is).
 */
export class Batcher<I, O> {
  private queue: Queued<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    private readonly limits: BatchLimits,
  ) {}

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.limits.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.limits.maxInFlight && this.queue.length > 0) {
        void this.flush(this.queue.splice(0, this.limits.maxSize));
      }
    });
  }

  private async flush(batch: Queued<I, O>[]): Promise<void> {
    this.inFlight++;
    try {
      let outputs: O[] | null = null;
      try {
        outputs = await this.runBatch(batch.map((item) => item.input));
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else await Promise.all(batch.map((item) => this.runAlone(item)));
      }
      if (outputs) batch.forEach((item, i) => item.resolve(outputs[i]));
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async runAlone(item: Queued<I, O>): Promise<void> {
    try {
      item.resolve((await this.runBatch([item.input]))[0]);
    } catch (err) {
      item.reject(err);
    }
  }
}

/**
 * How a storage batches: SQLite has one writer, whose transactions already share commits
 * (group-commit.ts), so one batch at a time; PostgreSQL's pool runs a few side by side.
 */
export function batchLimits(storage: Pick<Storage, 'kind'>): BatchLimits {
  return storage.kind === 'postgres' ? { maxSize: 64, maxInFlight: 2 } : { maxSize: 64, maxInFlight: 1 };
}

/** One batcher per storage (each app instance in a test has its own), made on first use. */
export function batcherPer<I, O>(make: (storage: Storage) => Batcher<I, O>): (storage: Storage) => Batcher<I, O> {
  const batchers = new WeakMap<Storage, Batcher<I, O>>();
  return (storage) => {
    let batcher = batchers.get(storage);
    if (batcher === undefined) {
      batcher = make(storage);
      batchers.set(storage, batcher);
    }
    return batcher;
  };
}
