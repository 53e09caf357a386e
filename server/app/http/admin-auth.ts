import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * onRequest check for the admin API, run before the body is even read. Both sides are
 * hashed first so the constant-time comparison never sees different lengths.
 */
export function adminAuth(adminToken: string | null) {
  const expected = adminToken === null ? null : digest(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    if (expected === null) {
      throw new HttpError(503, 'not_available', 'the admin API is disabled: ADMIN_TOKEN is not set');
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      throw new HttpError(401, 'unauthorized', 'a valid admin bearer token is required');
    }
  };
}
