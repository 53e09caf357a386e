import type { ErrorCode, ErrorResponse } from '../contract';

/** An error answered to the client as-is: HTTP status, machine-readable code, human message. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toResponse(): ErrorResponse {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string) => new ApiError(400, 'invalid_request', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);

/** An error stored with a request (order creation, refund), answered again on every replay. */
export function recordedError(error: { status: number | null; code: string | null; message: string | null }, fallback: string): ApiError {
  return new ApiError(error.status ?? 500, (error.code ?? 'internal_error') as ErrorCode, error.message ?? fallback);
}
