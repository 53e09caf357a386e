import type { CreateOrderResponse, GatewayData } from '../server/contract';

export type PaymentErrorKind = 'invalid_gatewaydata' | 'trade_pay_failed' | 'sandbox_cashier_failed' | 'sandbox_in_release';

export class PaymentError extends Error {
  readonly isPaymentError = true;
  readonly kind: PaymentErrorKind;
  /** my.tradePay's `fail` error number, when it gave one. */
  readonly errorCode: number | null;

  constructor(kind: PaymentErrorKind, message: string, errorCode: number | null = null) {
    super(message);
    Object.setPrototypeOf(this, PaymentError.prototype);
    this.name = 'PaymentError';
    this.kind = kind;
    this.errorCode = errorCode;
  }
}

export function isPaymentError(error: unknown): error is PaymentError {
  return typeof error === 'object' && error !== null && (error as { isPaymentError?: unknown }).isPaymentError === true;
}

/**
 * Latipay's orderStr: gatewaydata's `k=v` pairs in the order received, joined by `&`, not
 * URL-encoded (it is Alipay's own signed order; any change breaks its signature).
 */
export function buildOrderStr(gatewaydata: GatewayData | null | undefined): string {
  if (typeof gatewaydata !== 'object' || gatewaydata === null || Array.isArray(gatewaydata)) {
    throw new PaymentError('invalid_gatewaydata', 'gatewaydata is missing');
  }
  const keys = Object.keys(gatewaydata);
  if (keys.length === 0) throw new PaymentError('invalid_gatewaydata', 'gatewaydata is empty');
  return keys.map((key) => `${key}=${gatewaydata[key]}`).join('&');
}

export interface TradePayResult {
  resultCode: string;
}

function resultCodeOf(res: unknown): string {
  const code = (res as { resultCode?: unknown } | null | undefined)?.resultCode;
  return code === undefined || code === null ? '' : String(code);
}

/**
 * my.tradePay as a promise. `fail` with a resultCode (Latipay's sample reads one there) is
 * that answer; `fail` without one (the cashier could not run) becomes a PaymentError.
 */
export function tradePay(orderStr: string): Promise<TradePayResult> {
  return new Promise((resolve, reject) => {
    my.tradePay({
      orderStr,
      success: (res) => {
        resolve({ resultCode: resultCodeOf(res) });
      },
      fail: (err) => {
        const resultCode = resultCodeOf(err).trim();
        if (resultCode !== '') {
          resolve({ resultCode });
          return;
        }
        const errorCode = typeof err?.error === 'number' ? err.error : null;
        reject(new PaymentError('trade_pay_failed', err?.errorMessage || 'my.tradePay failed', errorCode));
      },
    });
  });
}

/**
 * The payment step of the checkout: takes Latipay's orderStr and the create-order answer
 * (which says whether the backend runs against the sandbox), returns the cashier's result.
 * The checkout's default is payByMode (pay-by-mode.ts).
 */
export type Pay = (orderStr: string, createResponse: CreateOrderResponse) => Promise<TradePayResult>;
