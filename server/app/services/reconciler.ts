import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context';
import type { OrderRow } from '../store/orders';
import { checkClaimedOrder, type CheckedOrder } from './reconciler-check';

/** At most this many of one instance's queries in flight at once, however slow Latipay is. */
const MAX_IN_FLIGHT = 32;
/**
 * When nothing is due: look again at the next due time, and at least as often as the schedule's
 * first delay (orders made meanwhile, here or at another instance, are due then), within these.
 */
const MAX_IDLE_MS = 1000;
const MIN_IDLE_MS = 25;
/** After the database failed to answer a claim. */
const ERROR_PAUSE_MS = 1000;

export interface ReconcilerOptions {
  /** On PostgreSQL: what other instances left half done, looked for every `everyMs` (services/recover-interrupted.ts). */
  recover?: { everyMs: number; run: () => Promise<void> };
}

/**
 * The background job that asks Latipay about orders nobody came back for (config.reconcile):
 * claims the orders whose check is due (a lease, so that of several instances one at a time
 * queries each order), queries them at most RECONCILE_MAX_QPS a second, and lets each go with
 * its next check time (reconciler-check.ts). The pace is by start time, never caught up in a
 * burst: a backlog after an outage drains at the rate, not faster. RECONCILE_MAX_QPS=0 turns
 * the queries off (recovery, on PostgreSQL, still runs).
 */
export class Reconciler {
  private readonly intervalMs: number;
  /** Orders claimed per statement: few enough that the last is queried well within its lease. */
  private readonly batchSize: number;
  private readonly maxIdleMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private nextStartMs = 0;
  private stopped = true;
  private running: Promise<void> = Promise.resolve();
  /** End the current sleep: the pace's (only when stopping), or the idle one (also when a check ends). */
  private wakePace: () => void = () => undefined;
  private wakeIdle: () => void = () => undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly log: FastifyBaseLogger,
    private readonly options: ReconcilerOptions = {},
  ) {
    const { maxQps, leaseMs } = ctx.config.reconcile;
    this.intervalMs = maxQps > 0 ? 1000 / maxQps : Infinity;
    this.batchSize = Math.max(1, Math.min(100, Math.floor((maxQps * leaseMs) / 2000)));
    this.maxIdleMs = Math.max(MIN_IDLE_MS, Math.min(MAX_IDLE_MS, ctx.config.reconcile.scheduleMs[0]));
  }

  start(): void {
    if (!this.stopped || (this.intervalMs === Infinity && !this.options.recover)) return;
    this.stopped = false;
    this.running = this.run();
  }

  /** Stops claiming, lets go of orders claimed but not yet queried, and waits for the queries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakePace();
    this.wakeIdle();
    await this.running;
  }

  private async run(): Promise<void> {
    // The server recovered once before it started listening.
    let recoveredAt = Date.now();
    while (!this.stopped) {
      const { recover } = this.options;
      if (recover && Date.now() - recoveredAt >= recover.everyMs) {
        recoveredAt = Date.now();
        await recover.run().catch((err: unknown) => this.log.error({ err }, 'looking for work other instances left half done failed'));
      }
      if (this.intervalMs === Infinity) {
        await this.sleep(recover!.everyMs, 'idle');
        continue;
      }
      let batch: OrderRow[];
      try {
        batch = await this.claim();
      } catch (err) {
        this.log.error({ err }, 'the reconciler could not claim orders to check');
        await this.sleep(ERROR_PAUSE_MS, 'idle');
        continue;
      }
      if (batch.length === 0) await this.sleep(await this.idleMs(), 'idle');
      else await this.dispatch(batch);
    }
    await Promise.all(this.inFlight);
  }

  private claim(): Promise<OrderRow[]> {
    const now = Date.now();
    const leaseUntil = new Date(now + this.ctx.config.reconcile.leaseMs).toISOString();
    return this.ctx.storage.transaction((tx) => tx.orders.claimDue(new Date(now).toISOString(), leaseUntil, this.batchSize));
  }

  /** Until the next check is due, at most maxIdleMs. */
  private async idleMs(): Promise<number> {
    const now = Date.now();
    const due = await this.ctx.storage.orders.nextDue(new Date(now).toISOString()).catch(() => undefined);
    const untilDue = due === undefined ? this.maxIdleMs : Date.parse(due) - now;
    return Math.max(1, Math.min(this.maxIdleMs, untilDue));
  }

  private async dispatch(batch: OrderRow[]): Promise<void> {
    for (let i = 0; i < batch.length; i += 1) {
      await this.paced();
      if (this.stopped) {
        await this.release(batch.slice(i));
        return;
      }
      const check = this.check(batch[i]).finally(() => {
        this.inFlight.delete(check);
        // Its next check may be due before the loop would look again.
        this.wakeIdle();
      });
      this.inFlight.add(check);
    }
  }

  /** Resolves when the next query may start: one every 1/maxQps s, and at most MAX_IN_FLIGHT at once. */
  private async paced(): Promise<void> {
    while (!this.stopped && this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    const now = Date.now();
    const startAt = Math.max(now, this.nextStartMs);
    this.nextStartMs = startAt + this.intervalMs;
    if (startAt > now) await this.sleep(startAt - now, 'pace');
  }

  private async check(order: OrderRow): Promise<void> {
    // The order's own line, as a request has one: the Latipay call and the payment result go on it.
    const log = this.log.child({ merchantReference: order.merchant_reference });
    let checked: CheckedOrder;
    try {
      checked = await checkClaimedOrder(this.ctx, order, log);
    } catch (err) {
      // Its lease runs out and the order is checked again then (by any instance).
      log.error({ err }, 'the reconciler could not record its check of the order');
      return;
    }
    this.count(checked);
    const changed = checked.to !== undefined && checked.to !== checked.from;
    const fields = { reconciler: { result: checked.result, from: checked.from, to: checked.to } };
    if (changed || checked.result === 'error') log.info(fields, 'reconciler checked the order');
    else log.debug(fields, 'reconciler checked the order');
  }

  private count({ result, from, to }: CheckedOrder): void {
    const { metrics } = this.ctx;
    if (result !== 'none') metrics.reconcilerQueries.inc({ result });
    if (to !== undefined && to !== from) metrics.reconcilerChanges.inc({ status: to });
  }

  private async release(orders: OrderRow[]): Promise<void> {
    if (orders.length === 0) return;
    const claims = orders.map((order) => ({ merchantReference: order.merchant_reference, lease: order.lease_until! }));
    await this.ctx.storage.transaction((tx) => tx.orders.releaseLeases(claims)).catch((err: unknown) => {
      this.log.warn({ err }, 'the reconciler could not let go of its claimed orders: they are free once their lease ends');
    });
  }

  /** Waits `ms`, or less when woken (the pace only by stop(): never sooner than its rate). */
  private sleep(ms: number, kind: 'pace' | 'idle'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      if (kind === 'pace') this.wakePace = done;
      else this.wakeIdle = done;
    });
  }
}
