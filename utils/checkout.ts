import type { CartLine, CreateOrderResponse, Order } from '../server/contract';
import type { ApiClient } from './api';
import { isApiError, isUncertainFailure, isUnauthorized } from './api-error';
import { randomUuid } from './ids';
import { isPaidStatus } from './order-status';
import { linesOf } from './order-lines';
import { isSandboxBlocked, payByMode } from './pay-by-mode';
import { buildOrderStr, isPaymentError } from './payment';
import type { Pay } from './payment';
import { createPaymentStore } from './payment-store';
import type { PaymentStore } from './payment-store';
import { resultPageUrl } from './nav';
import { isSignInError } from './session';
import { CASHIER_NOT_RUN, cashierSaidNotPaid } from './result-code';

export type CheckoutErrorKind = 'not_payable_here' | 'order_not_ready' | 'not_payable' | 'sandbox_in_release';

export class CheckoutError extends Error {
  readonly isCheckoutError = true;
  readonly kind: CheckoutErrorKind;

  constructor(kind: CheckoutErrorKind, message: string) {
    super(message);
    Object.setPrototypeOf(this, CheckoutError.prototype);
    this.name = 'CheckoutError';
    this.kind = kind;
  }
}

export function isCheckoutError(error: unknown): error is CheckoutError {
  return typeof error === 'object' && error !== null && (error as { isCheckoutError?: unknown }).isCheckoutError === true;
}

/** An order bought on this device this recently and not known to be paid is paid again, not bought twice. */
export const OPEN_ORDER_WINDOW_MS = 15 * 60 * 1000;

/**
 * What the page does next. A `url` is the result page; the product and result pages open it
 * in their own place (replacePage), so Back from it does not lead to Pay again.
 */
export type CheckoutStep =
  /** Another payment is running (double tap), or the page has gone: do nothing. */
  | { kind: 'ignored' }
  /** The cashier ran: show the result page, which maps `code` and asks the server. */
  | { kind: 'result'; ref: string; code: string; url: string }
  /** The order turned out to be paid already: show it, nothing was charged now. */
  | { kind: 'settled'; ref: string; url: string }
  /** The server says failed, but the cashier did not say nothing was paid: confirm, never pay again. */
  | { kind: 'confirm'; ref: string; url: string }
  /** Nothing was charged; say why and stay. Paying again is safe. */
  | { kind: 'error'; error: unknown };

export interface CheckoutDeps {
  api: Pick<ApiClient, 'createOrder' | 'getOrder' | 'settleSandboxOrder'>;
  /** Default: my.tradePay, or the sandbox cashier when the backend says it runs on the sandbox. */
  pay?: Pay;
  payments?: PaymentStore;
  newKey?: () => string;
}

interface Attempt {
  /** The request body's lines as sent: a key goes with exactly one body. */
  body: string;
  key: string;
}

/**
 * create order → buildOrderStr → pay → where to go. One instance per page.
 *
 * - One payment at a time: a second tap while one runs is ignored.
 * - An attempt (its lines: products and quantities) keeps its Idempotency-Key until the
 *   backend answers, so retrying after a network failure, a timeout or "still processing"
 *   cannot create a second order; a new attempt (after an answer, or with other lines) gets a
 *   new key.
 * - Buying what this device bought in the last 15 minutes (the same lines, not known to be
 *   paid) pays that order again instead (the shopper came back from its result page).
 * - Paying again never creates a second payable order while the first can still be paid: a
 *   pending order is re-paid with its own gatewaydata. A failed order is replaced by a new
 *   one only when the cashier itself said no money moved (`failed` is not final: a late
 *   payment turns it into paid); otherwise the shopper is sent to confirm it. An expired order
 *   (the cashier no longer takes payment for it) is replaced by a new one for the same lines.
 */
export class Checkout {
  private readonly api: CheckoutDeps['api'];
  private readonly pay: Pay;
  private readonly payments: PaymentStore;
  private readonly newKey: () => string;
  private busy = false;
  private aborted = false;
  private attempt: Attempt | null = null;

  constructor(deps: CheckoutDeps) {
    this.api = deps.api;
    this.pay = deps.pay ?? payByMode((ref, action) => deps.api.settleSandboxOrder(ref, action));
    this.payments = deps.payments ?? createPaymentStore();
    this.newKey = deps.newKey ?? randomUuid;
  }

  get inFlight(): boolean {
    return this.busy;
  }

  /**
   * Buy these lines (one product, or the cart's): a new order, then the cashier. An order for
   * the same lines from the last minutes goes the way of "Pay again" instead (Back then Pay
   * must not make a second payable order), unless the server no longer knows it. `forCart`:
   * the cart is paying, so the lines leave the cart once the server says the order is paid.
   */
  buy(lines: CartLine[], forCart = false): Promise<CheckoutStep> {
    return this.exclusive(async () => {
      const open = this.payments.findRecent(lines, OPEN_ORDER_WINDOW_MS);
      const order = open ? await this.findOrder(open) : null;
      if (open && order) {
        if (forCart) this.payments.markForCart(open);
        return this.repay(open, order);
      }
      if (open) this.payments.forget(open);
      return this.createAndPay(lines, forCart);
    });
  }

  /** Pay for an existing order again (after a cancel or failure, or from order details). */
  payAgain(merchantReference: string): Promise<CheckoutStep> {
    return this.exclusive(() => this.repay(merchantReference));
  }

  /** The page is gone: never open the cashier after this. */
  abort(): void {
    this.aborted = true;
  }

  private async exclusive(run: () => Promise<CheckoutStep>): Promise<CheckoutStep> {
    if (this.busy || this.aborted) return { kind: 'ignored' };
    this.busy = true;
    try {
      return await run();
    } catch (error) {
      return { kind: 'error', error };
    } finally {
      this.busy = false;
    }
  }

  private attemptKey(lines: CartLine[]): string {
    const body = JSON.stringify(lines);
    if (this.attempt && this.attempt.body === body) return this.attempt.key;
    this.attempt = { body, key: this.newKey() };
    return this.attempt.key;
  }

  private async createAndPay(lines: CartLine[], forCart: boolean): Promise<CheckoutStep> {
    const key = this.attemptKey(lines);
    let created: CreateOrderResponse;
    try {
      created = await this.api.createOrder({ items: lines }, key);
    } catch (error) {
      if (!mayFinishLater(error)) this.attempt = null;
      return { kind: 'error', error };
    }
    this.attempt = null;
    const ref = created.order.merchantReference;
    if (isPaid(created.order)) return settled(ref);
    if (created.order.status === 'creating') {
      return { kind: 'error', error: new CheckoutError('order_not_ready', `new order ${ref} is still being created`) };
    }
    if (created.order.status !== 'pending') {
      return { kind: 'error', error: new CheckoutError('not_payable', `new order ${ref} is ${created.order.status}`) };
    }
    this.payments.save(created, forCart);
    return this.payOrder(created);
  }

  /** The order as the server has it now; null when the server does not know it (404). */
  private async findOrder(ref: string): Promise<Order | null> {
    try {
      return await this.api.getOrder(ref, { refresh: true });
    } catch (error) {
      if (isApiError(error) && error.status === 404) return null;
      throw error;
    }
  }

  private async repay(ref: string, known?: Order): Promise<CheckoutStep> {
    const order = known ?? (await this.api.getOrder(ref, { refresh: true }));
    if (isPaid(order)) {
      this.payments.forget(ref);
      return settled(ref);
    }
    const stored = this.payments.load(ref);
    switch (order.status) {
      case 'pending':
        if (!stored) {
          return { kind: 'error', error: new CheckoutError('not_payable_here', `no gatewaydata for ${ref} on this device`) };
        }
        return this.payOrder({ order, gatewaydata: stored.gatewaydata, mode: stored.mode });
      case 'failed':
        if (!stored || !cashierSaidNotPaid(stored.lastCode)) return { kind: 'confirm', ref, url: resultPageUrl(ref) };
        this.payments.forget(ref);
        return this.createAndPay(linesOf(order.items), stored.forCart);
      case 'create_failed':
        // Never payable (its gatewaydata never reached anyone), so a new one cannot lead to paying twice.
        this.payments.forget(ref);
        return this.createAndPay(linesOf(order.items), stored !== null && stored.forCart);
      case 'expired':
        // Past the cashier's own timeout, and Latipay's last answer was unpaid: Buy again is a new order.
        this.payments.forget(ref);
        return this.createAndPay(linesOf(order.items), stored !== null && stored.forCart);
      case 'creating':
        return { kind: 'error', error: new CheckoutError('order_not_ready', `order ${ref} is still being created`) };
      default:
        return { kind: 'error', error: new CheckoutError('not_payable', `order ${ref} is ${order.status}`) };
    }
  }

  private async payOrder(created: CreateOrderResponse): Promise<CheckoutStep> {
    const ref = created.order.merchantReference;
    if (isSandboxBlocked(created.mode)) {
      return { kind: 'error', error: new CheckoutError('sandbox_in_release', `order ${ref} is a sandbox order`) };
    }
    const orderStr = buildOrderStr(created.gatewaydata);
    if (this.aborted) return { kind: 'ignored' };
    let code: string;
    try {
      code = (await this.pay(orderStr, created)).resultCode;
    } catch (error) {
      if (!isPaymentError(error)) throw error;
      code = CASHIER_NOT_RUN;
    }
    this.payments.recordCode(ref, code);
    return { kind: 'result', ref, code, url: resultPageUrl(ref, code) };
  }
}

/**
 * The backend may have created (or still be creating) the order: keep the key so a retry
 * finds that order. Our key always comes with the same body, so idempotency_conflict means
 * "the first request with this key is still being processed" (whether or not Alipay passed
 * on the 409). A failed sign-in or a 401 says nothing about the key (the backend never
 * looked at it), so an earlier try this key stands for may still have created the order.
 * Any other answered error is replayed by the backend for the same key, so the next try
 * needs a new one.
 */
function mayFinishLater(error: unknown): boolean {
  return (
    isUncertainFailure(error) ||
    (isApiError(error) && error.code === 'idempotency_conflict') ||
    isSignInError(error) ||
    isUnauthorized(error)
  );
}

function isPaid(order: Order): boolean {
  return isPaidStatus(order.status);
}

function settled(ref: string): CheckoutStep {
  return { kind: 'settled', ref, url: resultPageUrl(ref) };
}
