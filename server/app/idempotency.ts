import { createHash } from 'node:crypto';
import { ApiError, badRequest } from './errors';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header: absent, or 1-255 visible ASCII characters. */
export function readIdempotencyKey(header: unknown): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  return header;
}

/** Hash of the request's meaning (validated values), so a reformatted body still matches. */
export function requestHash(values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

export function idempotencyConflict(): ApiError {
  return new ApiError(409, 'idempotency_conflict', 'this Idempotency-Key was already used with a different request');
}

export function stillInProgress(): ApiError {
  return new ApiError(409, 'idempotency_conflict', 'a request with this Idempotency-Key is still being processed; retry shortly');
}
