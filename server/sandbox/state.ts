import type { FastifyBaseLogger } from 'fastify';
import { FaultInjector, type FaultEndpoint } from './faults';
import { Notifier } from './notifier';
import { OrderIdGenerator } from './order-ids';
import type { SandboxOptions } from './options';
import { openSandboxStore, type OrderStore, type SandboxStore } from './store';
import { TimerSet } from './timers';

/**
 * Everything one sandbox instance keeps. Orders, refunds, notification attempts and
 * deliveries still owed are in the store (SQLite: a file, or memory). Faults and call counters
 * stay in memory on purpose: they are test controls, and a restart clears them.
 */
export interface SandboxState {
  opts: SandboxOptions;
  store: SandboxStore;
  /** The store's orders (shorthand for store.orders). */
  orders: OrderStore;
  orderIds: OrderIdGenerator;
  faults: FaultInjector;
  calls: Record<FaultEndpoint, number>;
  timers: TimerSet;
  notifier: Notifier;
}

export function createSandboxState(opts: SandboxOptions, log: FastifyBaseLogger): SandboxState {
  const store = openSandboxStore(opts.databasePath);
  const timers = new TimerSet();
  return {
    opts,
    store,
    orders: store.orders,
    orderIds: new OrderIdGenerator((prefix) => store.orders.lastOrderIdStartingWith(prefix)),
    faults: new FaultInjector(),
    calls: { create: 0, query: 0, refund: 0 },
    timers,
    notifier: new Notifier({
      apiKey: opts.apiKey,
      retryMs: opts.retryMs,
      maxAttempts: opts.maxAttempts,
      notifyTimeoutMs: opts.notifyTimeoutMs ?? 5000,
      store,
      timers,
      log,
    }),
  };
}

/** Stops every timer and notification attempt; requests still running can use the store. */
export function stopSandboxActivity(state: SandboxState): void {
  state.timers.close();
  state.notifier.close();
}

/** Stops everything and closes the store. */
export function closeSandboxState(state: SandboxState): void {
  stopSandboxActivity(state);
  state.store.close();
}
