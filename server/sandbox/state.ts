import type { FastifyBaseLogger } from 'fastify';
import { FaultInjector, type FaultEndpoint } from './faults';
import { Notifier } from './notifier';
import { OrderIdGenerator } from './order-ids';
import { OrderStore } from './order-store';
import type { SandboxOptions } from './options';
import { TimerSet } from './timers';

/** Everything one sandbox instance keeps, in memory. */
export interface SandboxState {
  opts: SandboxOptions;
  orders: OrderStore;
  orderIds: OrderIdGenerator;
  faults: FaultInjector;
  calls: Record<FaultEndpoint, number>;
  timers: TimerSet;
  notifier: Notifier;
}

export function createSandboxState(opts: SandboxOptions, log: FastifyBaseLogger): SandboxState {
  const timers = new TimerSet();
  return {
    opts,
    orders: new OrderStore(),
    orderIds: new OrderIdGenerator(),
    faults: new FaultInjector(),
    calls: { create: 0, query: 0, refund: 0 },
    timers,
    notifier: new Notifier({
      apiKey: opts.apiKey,
      retryMs: opts.retryMs,
      maxAttempts: opts.maxAttempts,
      notifyTimeoutMs: opts.notifyTimeoutMs ?? 5000,
      timers,
      log,
    }),
  };
}

export function closeSandboxState(state: SandboxState): void {
  state.timers.close();
  state.notifier.close();
}
