import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every dashboard page: nothing but this origin's own stylesheet (no script, no inline style,
 * nothing from another site), forms posted only here, never framed; never cached, since a
 * page shows orders and carries a CSRF token.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function securityHeaders(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  void reply.headers({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  done();
}

/**
 * The key of the CSRF tokens' HMAC (@fastify/csrf's hmacKey, needed to bind tokens to a
 * session), derived from ADMIN_TOKEN: the same on every instance and across restarts, and
 * changed when the token is.
 */
export function csrfHmacKey(adminToken: string): Buffer {
  return createHash('sha256').update(`dashboard csrf:${adminToken}`, 'utf8').digest();
}

/** The CSRF token of a dashboard form: its hidden `_csrf` field, nowhere else. */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}
