/**
 * - network: the request did not get an HTTP answer (offline, DNS, domain not whitelisted…);
 *   `requestError` keeps my.request's error number
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
  /** my.request's own `error` number when it failed without an answer (e.g. 11), else null. */
  readonly requestError: number | null;

  constructor(
    kind: ApiErrorKind,
    message: string,
    status: number | null = null,
    code: string | null = null,
    requestError: number | null = null,
  ) {
    super(message);
    // Keeps instanceof working when the IDE compiles to ES5.
    Object.setPrototypeOf(this, ApiError.prototype);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.requestError = requestError;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return typeof error === 'object' && error !== null && (error as { isApiError?: unknown }).isApiError === true;
}

/**
 * my.request errors that say Alipay refused to send the request
 * (https://opendocs.alipay.com/mini/api/owycmh, error codes): 4 and 11, no permission, the
 * server's domain is not on the mini program's server domain whitelist; 20, the request was
 * stopped or the server throttled it.
 */
export function isDomainNotAllowed(error: ApiError): boolean {
  return error.requestError === 4 || error.requestError === 11;
}

export function isRequestStopped(error: ApiError): boolean {
  return error.requestError === 20;
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

/** The backend refused the session token (missing, expired, unknown): 401 `unauthorized`. */
export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.kind === 'http' && (error.status === 401 || error.code === 'unauthorized');
}
