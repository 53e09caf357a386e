import type { Order } from '../server/contract';
import { isFailedStatus, isPaidStatus } from './order-status';

/** Confirming ends this long after it started, whatever the server does (or does not) answer. */
export const CONFIRM_WINDOW_MS = 60000;

/** The longest one server check may take (the server may itself be asking Latipay). */
export const CONFIRM_CHECK_TIMEOUT_MS = 6000;

/**
 * Waits before each server check: the first at once, then backing off (the last wait
 * repeats) while a check can still start within the window. Alipay may take a while to tell
 * Latipay, and Latipay the merchant.
 */
export const CONFIRM_DELAYS_MS: readonly number[] = [0, 1000, 2000, 3000, 4000, 5000, 7000, 8000, 10000];

export type Confirmation =
  | { kind: 'paid'; order: Order }
  /** The server says failed: not final (a late payment still turns it paid), so never "nothing was charged". */
  | { kind: 'failed'; order: Order }
  /** The server gave the order up unpaid (past the cashier's timeout): it can only be bought again. */
  | { kind: 'expired'; order: Order }
  /** Still not final when the window closed; `order` is the last one seen, if any. */
  | { kind: 'unconfirmed'; order: Order | null }
  | { kind: 'cancelled' };

export interface ConfirmOptions {
  /** Asks the server (GET /api/orders/{ref}?refresh=true), giving up after `timeoutMs`. */
  getOrder: (merchantReference: string, timeoutMs: number) => Promise<Order>;
  delays?: readonly number[];
  windowMs?: number;
  checkTimeoutMs?: number;
  /** Called after every check that got an answer. */
  onCheck?: (order: Order, check: number) => void;
}

export interface ConfirmHandle {
  promise: Promise<Confirmation>;
  /** Stops polling (page unloaded); the promise resolves with `cancelled`. */
  cancel(): void;
}

export function confirmPayment(merchantReference: string, options: ConfirmOptions): ConfirmHandle {
  const delays = options.delays ?? CONFIRM_DELAYS_MS;
  const windowMs = options.windowMs ?? CONFIRM_WINDOW_MS;
  const checkTimeoutMs = options.checkTimeoutMs ?? CONFIRM_CHECK_TIMEOUT_MS;
  let cancelled = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<null>((resolve) => {
    stop = () => resolve(null);
  });

  /** `work`'s answer, or null after `ms` or once cancelled; leaves no timer behind. */
  const within = async <T>(work: Promise<T> | null, ms: number): Promise<T | null> => {
    if (!work && ms <= 0) return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race(work ? [work, timedOut, stopped] : [timedOut, stopped]);
    } finally {
      clearTimeout(timer);
    }
  };

  const run = async (): Promise<Confirmation> => {
    const deadline = Date.now() + windowMs;
    let last: Order | null = null;
    for (let check = 0; ; check += 1) {
      const wait = delays[Math.min(check, delays.length - 1)];
      if (Date.now() + wait >= deadline) break;
      await within(null, wait);
      if (cancelled) return { kind: 'cancelled' };
      const limit = Math.min(checkTimeoutMs, deadline - Date.now());
      let order: Order | null;
      try {
        order = await within(options.getOrder(merchantReference, limit), limit);
      } catch {
        order = null; // A failed check is just a check without news; the next one may get through.
      }
      if (cancelled) return { kind: 'cancelled' };
      if (!order) continue;
      last = order;
      if (options.onCheck) options.onCheck(order, check + 1);
      if (isPaidStatus(order.status)) return { kind: 'paid', order };
      if (isFailedStatus(order.status)) return { kind: 'failed', order };
      if (order.status === 'expired') return { kind: 'expired', order };
    }
    return { kind: 'unconfirmed', order: last };
  };

  return {
    promise: run(),
    cancel() {
      cancelled = true;
      stop();
    },
  };
}
