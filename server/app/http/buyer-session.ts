import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { buyerOfToken } from '../services/sessions';

/** The session token as the mini app sends it: `Authorization: Bearer <token>` (base64url). */
const BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/;

const buyers = new WeakMap<FastifyRequest, string>();

const unauthorized = () => new HttpError(401, 'unauthorized', 'sign in again: the session is missing, unknown or expired');

/**
 * onRequest hook of every buyer route, before the body is read: the request's buyer from its
 * session token, or 401. The token itself is never logged (the logger redacts the header).
 */
export function requireBuyer(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const buyerId = match ? await buyerOfToken(ctx, match[1]) : null;
    if (buyerId === null) throw unauthorized();
    buyers.set(request, buyerId);
  };
}

/** The buyer requireBuyer found for this request. */
export function buyerOf(request: FastifyRequest): string {
  const buyerId = buyers.get(request);
  if (buyerId === undefined) throw unauthorized();
  return buyerId;
}
