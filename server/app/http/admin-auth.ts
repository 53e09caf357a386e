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
 * Whether a candidate is the admin token. Both sides are hashed first so the constant-time
 * comparison never sees different lengths.
 */
export function adminTokenCheck(adminToken: string): (candidate: string) => boolean {
  const expected = digest(adminToken);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}

/**
 * The admin lockout, shared by the admin API and the dashboard's sign-in: an IP that sent
 * adminFailuresPerIp wrong tokens within a minute is locked out (429) for adminLockoutMs,
 * whatever it sends; other IPs are not affected.
 */
export interface AdminLockout {
  /** Answers 429 with Retry-After while the request's address is locked out. */
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts a wrong or missing token from the request's address, locking it out past the limit. */
  fail(request: FastifyRequest): Promise<void>;
}

export function adminLockout(limits: RateLimits, counters: CounterStore): AdminLockout {
  const lockedOut = (ip: string) => `admin-lockout:${ip}`;
  return {
    async check(request, reply) {
      if (limits.adminFailuresPerIp === 0) return;
      const lockout = await counters.peek(lockedOut(request.ip));
      if (lockout.count > 0) refuse(reply, lockout.resetInMs, 'wrong admin tokens from this address', 'admin-lockout');
    },
    async fail(request) {
      // The request's own line (with its IP) says why; no line of its own.
      addToRequestLine(request.log, { refused: 'wrong or missing admin token' }, 'admin token refused');
      if (limits.adminFailuresPerIp === 0) return;
      const failures = await counters.hit(`admin-failures:${request.ip}`, MINUTE_MS);
      if (failures.count >= limits.adminFailuresPerIp) await counters.hit(lockedOut(request.ip), limits.adminLockoutMs);
    },
  };
}

/** onRequest check for the admin API (bearer token), run before the body is even read. */
export function adminAuth(adminToken: string | null, limits: RateLimits, counters: CounterStore) {
  const isAdminToken = adminToken === null ? null : adminTokenCheck(adminToken);
  const lockout = adminLockout(limits, counters);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isAdminToken === null) {
      throw new HttpError(503, 'not_available', 'the admin API is disabled: ADMIN_TOKEN is not set');
    }
    await lockout.check(request, reply);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (match && isAdminToken(match[1])) return;

    await lockout.fail(request);
    throw new HttpError(401, 'unauthorized', 'a valid admin bearer token is required');
  };
}
