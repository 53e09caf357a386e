/**
 * - network: the request did not get an HTTP answer (offline, DNS, domain not whitelisted…)
 * - timeout: no answer in time; the server may still have acted on it
 * - http: the server answered with an error status (`status`, and its `error.code` when sent)
 * - malformed: an answer that is not the JSON the contract promises
 */
export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'malformed';

export class ApiError extends Error {
  readonly isApiError = true;
  readonly kind: ApiErrorKind;
  /** HTTP status; null when unknown (Alipay's error 19 does not always carry it). */
  readonly status: number | null;
  /** The server's `error.code`, e.g. `unknown_product`. */
  readonly code: string | null;

  constructor(kind: ApiErrorKind, message: string, status: number | null = null, code: string | null = null) {
    super(message);
    // Keeps instanceof working when the IDE compiles to ES5.
    Object.setPrototypeOf(this, ApiError.prototype);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return typeof error === 'object' && error !== null && (error as { isApiError?: unknown }).isApiError === true;
}

/**
 * Retrying with the same Idempotency-Key is the only safe move after these. An HTTP error
 * without its status (Alipay's bare error 19) counts too: it may be a 409 "still being
 * processed".
 */
export function isUncertainFailure(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.kind === 'network' || error.kind === 'timeout' || error.kind === 'malformed' || (error.kind === 'http' && error.status === null);
}
