import { ApiError } from './errors';

/**
 * Why a call to Latipay did not give a usable answer.
 * - unreachable: no connection (nothing was sent, or the connection dropped).
 * - timeout: no complete answer within the configured time.
 * - rejected: Latipay answered `code != 0`; `message` is Latipay's.
 * - invalid: an answer that is not what Latipay's API promises (HTTP error, not JSON,
 *   missing fields, a signature that does not verify).
 */
export type LatipayFailureKind = 'unreachable' | 'timeout' | 'rejected' | 'invalid';

export class LatipayCallError extends Error {
  constructor(
    readonly kind: LatipayFailureKind,
    message: string,
    /** False only when the request certainly never reached Latipay. */
    readonly mayHaveReachedLatipay: boolean,
    readonly latipayCode: number | null = null,
  ) {
    super(message);
    this.name = 'LatipayCallError';
  }
}

/** The answer our client gets when a Latipay call fails. */
export function latipayApiError(err: LatipayCallError, action: string): ApiError {
  switch (err.kind) {
    case 'unreachable':
      return new ApiError(503, 'latipay_unavailable', `Latipay could not be reached to ${action}; try again later`);
    case 'timeout':
      return new ApiError(504, 'latipay_timeout', `Latipay did not answer in time to ${action}; try again later`);
    case 'rejected':
      return new ApiError(502, 'latipay_error', `Latipay refused to ${action}: ${err.message} (code ${err.latipayCode})`);
    case 'invalid':
      return new ApiError(502, 'latipay_error', `Latipay gave an invalid answer to ${action}: ${err.message}`);
  }
}
