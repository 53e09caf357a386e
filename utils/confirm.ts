import type { Order } from '../server/contract';
import { isFailedStatus, isPaidStatus } from './order-status';

/**
 * Waits before each server check: the first check at once, then backing off, about a
 * minute in all (Alipay may take a while to tell Latipay, and Latipay the merchant).
 */
export const CONFIRM_DELAYS_MS: readonly number[] = [0, 1000, 2000, 3000, 4000, 5000, 7000, 8000, 10000, 10000, 10000];

export type Confirmation =
  | { kind: 'paid'; order: Order }
  | { kind: 'failed'; order: Order }
  /** Still not final after every check; `order` is the last one seen, if any. */
  | { kind: 'unconfirmed'; order: Order | null }
  | { kind: 'cancelled' };

export interface ConfirmOptions {
  /** Asks the server (GET /api/orders/{ref}?refresh=true). */
  getOrder: (merchantReference: string) => Promise<Order>;
  delays?: readonly number[];
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
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | null = null;

  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(() => {
            timer = undefined;
            wake = null;
            resolve();
          }, ms);
        });

  const run = async (): Promise<Confirmation> => {
    let last: Order | null = null;
    for (let check = 0; check < delays.length; check += 1) {
      await sleep(delays[check]);
      if (cancelled) return { kind: 'cancelled' };
      try {
        last = await options.getOrder(merchantReference);
      } catch {
        // A failed check is just a check without news; the next one may get through.
        continue;
      }
      if (cancelled) return { kind: 'cancelled' };
      if (options.onCheck) options.onCheck(last, check + 1);
      if (isPaidStatus(last.status)) return { kind: 'paid', order: last };
      if (isFailedStatus(last.status)) return { kind: 'failed', order: last };
    }
    return { kind: 'unconfirmed', order: last };
  };

  return {
    promise: run(),
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const resume = wake;
      wake = null;
      if (resume) resume();
    },
  };
}
