import type { ErrorCode, ErrorResponse } from '../contract';

/**
 * An error answered to the client as it is: HTTP status, machine-readable code (one of the
 * contract's ErrorCode), human message. Services throw it; the error handler answers it.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toResponse(): ErrorResponse {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string) => new HttpError(400, 'invalid_request', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

/** An error stored with a request (order creation, refund), answered again on every replay. */
export function recordedError(error: { status: number | null; code: string | null; message: string | null }, fallback: string): HttpError {
  return new HttpError(error.status ?? 500, (error.code ?? 'internal_error') as ErrorCode, error.message ?? fallback);
}
