import type { CreateOrderResponse, Order } from '../server/contract';
import type { ApiClient } from './api';
import { isApiError, isUncertainFailure } from './api-error';
import { randomUuid } from './ids';
import { isPaidStatus } from './order-status';
import { payByMode } from './pay-by-mode';
import { buildOrderStr, isPaymentError } from './payment';
import type { Pay } from './payment';
import { createPaymentStore } from './payment-store';
import type { PaymentStore } from './payment-store';
import { resultPageUrl } from './nav';

export type CheckoutErrorKind = 'not_payable_here' | 'order_not_ready' | 'not_payable';

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

/** What the page does next. */
export type CheckoutStep =
  /** Another payment is running (double tap), or the page has gone: do nothing. */
  | { kind: 'ignored' }
  /** The cashier ran: show the result page, which maps `code` and asks the server. */
  | { kind: 'result'; ref: string; code: string; url: string }
  /** The order turned out to be paid already: show it, nothing was charged now. */
  | { kind: 'settled'; ref: string; url: string }
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
  productId: string;
  quantity: number;
  key: string;
}

/**
 * create order → buildOrderStr → pay → where to go. One instance per page.
 *
 * - One payment at a time: a second tap while one runs is ignored.
 * - An attempt (product + quantity) keeps its Idempotency-Key until the backend answers, so
 *   retrying after a network failure, a timeout or "still processing" cannot create a second
 *   order; a new attempt (after an answer, or with another quantity) gets a new key.
 * - Paying again for an order never creates a second payable order while the first can still
 *   be paid: a pending order is re-paid with its own gatewaydata; only an order the server
 *   calls failed is replaced by a new one.
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

  /** Buy `quantity` of a product: a new order, then the cashier. */
  buy(productId: string, quantity: number): Promise<CheckoutStep> {
    return this.exclusive(() => this.createAndPay(productId, quantity));
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

  private attemptKey(productId: string, quantity: number): string {
    const open = this.attempt;
    if (open && open.productId === productId && open.quantity === quantity) return open.key;
    this.attempt = { productId, quantity, key: this.newKey() };
    return this.attempt.key;
  }

  private async createAndPay(productId: string, quantity: number): Promise<CheckoutStep> {
    const key = this.attemptKey(productId, quantity);
    let created: CreateOrderResponse;
    try {
      created = await this.api.createOrder({ productId, quantity }, key);
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
    this.payments.save(ref, created);
    return this.payOrder(created);
  }

  private async repay(ref: string): Promise<CheckoutStep> {
    const order = await this.api.getOrder(ref, { refresh: true });
    if (isPaid(order)) {
      this.payments.forget(ref);
      return settled(ref);
    }
    switch (order.status) {
      case 'pending': {
        const stored = this.payments.load(ref);
        if (!stored) {
          return { kind: 'error', error: new CheckoutError('not_payable_here', `no gatewaydata for ${ref} on this device`) };
        }
        return this.payOrder({ order, gatewaydata: stored.gatewaydata, mode: stored.mode });
      }
      case 'failed':
      case 'create_failed':
        // This order can never be paid now, so a new one cannot lead to paying twice.
        this.payments.forget(ref);
        return this.createAndPay(order.productId, order.quantity);
      case 'creating':
        return { kind: 'error', error: new CheckoutError('order_not_ready', `order ${ref} is still being created`) };
      default:
        return { kind: 'error', error: new CheckoutError('not_payable', `order ${ref} is ${order.status}`) };
    }
  }

  private async payOrder(created: CreateOrderResponse): Promise<CheckoutStep> {
    const ref = created.order.merchantReference;
    const orderStr = buildOrderStr(created.gatewaydata);
    if (this.aborted) return { kind: 'ignored' };
    let code: string;
    try {
      code = (await this.pay(orderStr, created)).resultCode;
    } catch (error) {
      // The cashier did not run properly; the result page treats the code as a failure and
      // asks the server before offering to pay again.
      code = isPaymentError(error) && error.errorCode !== null ? String(error.errorCode) : 'fail';
    }
    return { kind: 'result', ref, code, url: resultPageUrl(ref, code) };
  }
}

/**
 * The backend may have created (or still be creating) the order: keep the key so a retry
 * finds that order. Our key always comes with the same body, so a 409 idempotency_conflict
 * means "the first request with this key is still being processed". Any other answered
 * error is replayed by the backend for the same key, so the next try needs a new one.
 */
function mayFinishLater(error: unknown): boolean {
  if (isUncertainFailure(error)) return true;
  return isApiError(error) && error.kind === 'http' && error.status === 409 && error.code === 'idempotency_conflict';
}

function isPaid(order: Order): boolean {
  return isPaidStatus(order.status);
}

function settled(ref: string): CheckoutStep {
  return { kind: 'settled', ref, url: resultPageUrl(ref) };
}
