import { HttpError } from '../errors';

/**
 * Why a call to Latipay did not give a usable answer.
 * - unreachable: no connection (nothing was sent, or the connection dropped).
 * - timeout: no complete answer within the configured time.
 * - rejected: Latipay answered `code != 0`; `message` is Latipay's.
 * - invalid: an answer that is not what Latipay's API promises (HTTP error, not JSON,
 *   missing fields, a signature that does not verify).
 */
export type LatipayFailureKind = 'unreachable' | 'timeout' | 'rejected' | 'invalid';

export interface LatipayCallErrorOptions {
  /** False only when the request certainly never reached Latipay. */
  mayHaveReachedLatipay: boolean;
  /** Latipay's own `code`, for a refusal. */
  latipayCode?: number;
  /** The error underneath (a socket error, a timeout), kept for logs and debugging. */
  cause?: unknown;
}

export class LatipayCallError extends Error {
  readonly mayHaveReachedLatipay: boolean;
  readonly latipayCode: number | null;

  constructor(
    readonly kind: LatipayFailureKind,
    message: string,
    { mayHaveReachedLatipay, latipayCode, cause }: LatipayCallErrorOptions,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LatipayCallError';
    this.mayHaveReachedLatipay = mayHaveReachedLatipay;
    this.latipayCode = latipayCode ?? null;
  }
}

/**
 * Latipay refusals whose message means something to a shopper (454: the amount exceeds the
 * single-payment limit). Every other code (205 key/user, 206 signature, 207 parameters, 301
 * account/currency, 450 wallet, …) is the merchant's to fix, and its message can describe
 * the signed request: the shopper gets a generic message, the log the code.
 */
const SHOPPER_CODES: ReadonlySet<number> = new Set([454]);

/**
 * Who reads the answer: a shopper (orders) sees Latipay's message only for SHOPPER_CODES;
 * the merchant's admin (refunds) sees it always.
 */
export type Audience = 'shopper' | 'admin';

/** The answer our client gets when a Latipay call fails. */
export function latipayHttpError(err: LatipayCallError, action: string, audience: Audience = 'shopper'): HttpError {
  switch (err.kind) {
    case 'unreachable':
      return new HttpError(503, 'latipay_unavailable', `Latipay could not be reached to ${action}; try again later`);
    case 'timeout':
      return new HttpError(504, 'latipay_timeout', `Latipay did not answer in time to ${action}; try again later`);
    case 'rejected':
      if (audience === 'admin' || (err.latipayCode !== null && SHOPPER_CODES.has(err.latipayCode))) {
        return new HttpError(502, 'latipay_error', `Latipay refused to ${action}: ${err.message} (code ${err.latipayCode})`);
      }
      return new HttpError(502, 'latipay_error', `the payment service refused to ${action}; the merchant has been notified`);
    case 'invalid':
      return new HttpError(502, 'latipay_error', `Latipay gave an invalid answer to ${action}: ${err.message}`);
  }
}
