import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionResponse } from '../../contract';
import { IdentityError } from '../alipay/identity-error';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { nowIso } from '../store/db';
import type { Storage } from '../store';
import { BATCH_LIMITS, Batcher, perStorage } from '../store/batcher';

/** What the server needs of Alipay: the buyer an auth code from my.getAuthCode stands for. */
export interface Identity {
  exchangeCode(code: string): Promise<{ buyerId: string }>;
}

const TOKEN_BYTES = 32;

/**
 * Sessions are opaque random tokens of which only a SHA-256 hash is stored. A stolen copy of
 * the table is no use, and looking a token up by its hash cannot reveal by timing whether a
 * token exists: whoever guesses cannot steer the hash the index compares.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function identityError(err: IdentityError): HttpError {
  switch (err.kind) {
    case 'invalid_code':
      return new HttpError(400, 'invalid_auth_code', 'the auth code is invalid, expired or used; get a new one with my.getAuthCode');
    case 'unavailable':
      return new HttpError(503, 'alipay_unavailable', 'Alipay could not be reached to sign you in; try again later');
    case 'refused':
    case 'invalid_answer':
      return new HttpError(502, 'alipay_error', 'Alipay refused to sign you in; the merchant has been notified');
  }
}

/**
 * POST /api/session: exchanges the auth code with Alipay (alipay.system.oauth.token) and
 * opens a session for its buyer, which expires after SESSION_TTL_S. Expired sessions are
 * deleted in the same commit.
 */
export async function createSession(ctx: AppContext, authCode: string, log: FastifyBaseLogger): Promise<SessionResponse> {
  let buyerId: string;
  try {
    ({ buyerId } = await ctx.identity.exchangeCode(authCode));
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    // Why, for the merchant: a used code is the shopper's; the others are the configuration's or Alipay's.
    if (err.kind !== 'invalid_code') log.warn({ alipay: { kind: err.kind, subCode: err.subCode } }, 'Alipay sign-in failed');
    throw identityError(err);
  }
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const now = nowIso();
  const expiresAt = new Date(Date.parse(now) + ctx.config.sessionTtlS * 1000).toISOString();
  await ctx.storage.transaction(async (tx) => {
    await tx.sessions.deleteExpired(now);
    await tx.sessions.insert({ token_hash: hashToken(token), buyer_id: buyerId, created_at: now, expires_at: expiresAt });
  });
  return { token, expiresAt, buyer: { id: buyerId } };
}

/** Session look-ups arriving together are made with one statement (Batcher). */
const sessionLookups = perStorage((storage: Storage) =>
  new Batcher(async (tokenHashes: string[]) => {
    const sessions = new Map((await storage.sessions.findMany(tokenHashes)).map((row) => [row.token_hash, row]));
    return tokenHashes.map((tokenHash) => sessions.get(tokenHash));
  }, BATCH_LIMITS),
);

/**
 * The buyer of a session token, or null when the token is unknown or its session expired.
 * Read from the database every time (not cached), so that deleting a session's row ends it at once.
 */
export async function buyerOfToken(ctx: AppContext, token: string): Promise<string | null> {
  const session = await sessionLookups(ctx.storage).run(hashToken(token));
  return session && session.expires_at > nowIso() ? session.buyer_id : null;
}
