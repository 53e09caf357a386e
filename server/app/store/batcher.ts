import type { Storage } from './index';
import { OutcomeUnknown } from './outcome-unknown';

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
 * When a batch fails, each of its inputs runs again alone, one after the other, so that the
 * one at fault fails alone (runBatch must be safe to run again: a transaction that was rolled
 * back is). Not when the failure is OutcomeUnknown: the batch may have been written, and every
 * input gets that error.
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
        if (batch.length === 1 || err instanceof OutcomeUnknown) {
          for (const item of batch) item.reject(err);
        } else {
          for (const item of batch) await this.runAlone(item);
        }
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
 * One batch at a time per kind of work, of up to 64 inputs: while it runs, the next gathers.
 * SQLite has a single writer anyway; on PostgreSQL, measured at 128 connections creating
 * orders, a second batch in flight made smaller batches and no more orders per second.
 */
export const BATCH_LIMITS: BatchLimits = { maxSize: 64, maxInFlight: 1 };

/** One T per storage (each app instance in a test has its own), made on first use. */
export function perStorage<T extends object>(make: (storage: Storage) => T): (storage: Storage) => T {
  const made = new WeakMap<Storage, T>();
  return (storage) => {
    let value = made.get(storage);
    if (value === undefined) {
      value = make(storage);
      made.set(storage, value);
    }
    return value;
  };
}
