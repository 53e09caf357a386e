import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimits } from '../config/config';
import { HttpError } from '../errors';
import { addToRequestLine } from '../request-log';
import type { CounterStore } from '../store/counters';
import { MINUTE_MS, refuse } from './rate-limits';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * onRequest check for the admin API, run before the body is even read. Both sides are
 * hashed first so the constant-time comparison never sees different lengths. An IP that sent
 * adminFailuresPerIp wrong tokens within a minute is locked out (429) for adminLockoutMs,
 * whatever token it sends; other IPs are not affected.
 */
export function adminAuth(adminToken: string | null, limits: RateLimits, counters: CounterStore) {
  const expected = adminToken === null ? null : digest(adminToken);
  const lockedOut = (ip: string) => `admin-lockout:${ip}`;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === null) {
      throw new HttpError(503, 'not_available', 'the admin API is disabled: ADMIN_TOKEN is not set');
    }
    if (limits.adminFailuresPerIp > 0) {
      const lockout = await counters.peek(lockedOut(request.ip));
      if (lockout.count > 0) refuse(reply, lockout.resetInMs, 'wrong admin tokens from this address');
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (match && timingSafeEqual(digest(match[1]), expected)) return;

    // The request's own line (with its IP) says why; no line of its own.
    addToRequestLine(request.log, { refused: 'wrong or missing admin token' }, 'admin token refused');
    if (limits.adminFailuresPerIp > 0) {
      const failures = await counters.hit(`admin-failures:${request.ip}`, MINUTE_MS);
      if (failures.count >= limits.adminFailuresPerIp) await counters.hit(lockedOut(request.ip), limits.adminLockoutMs);
    }
    throw new HttpError(401, 'unauthorized', 'a valid admin bearer token is required');
  };
}
