import { createHmac, randomBytes } from 'node:crypto';
import type { AppContext } from '../context';
import { nowIso } from '../store/db';

/**
 * What admin_sessions keeps of a cookie's token: an HMAC keyed by ADMIN_TOKEN. The table alone
 * lets nobody in, and changing ADMIN_TOKEN (after a leak) ends every dashboard session.
 */
function sessionHash(ctx: AppContext, token: string): string {
  return createHmac('sha256', `admin-session:${ctx.config.adminToken ?? ''}`).update(token).digest('hex');
}

/** A signed-in dashboard session, as the routes know it (never the token itself). */
export interface AdminSession {
  tokenHash: string;
  label: string;
  /** Who acts, in an order's timeline and the audit trail. */
  actor: string;
  expiresAt: string;
}

const TOKEN_BYTES = 32;
const USER_AGENT_MAX = 200;

const actorOf = (label: string) => `admin:${label}`;

/** Who signed in, for the audit trail: the address and the browser, never the token. */
export interface SignInOrigin {
  ip: string;
  userAgent: string | undefined;
}

/**
 * A correct admin token was given: a new session whose token (32 random bytes) goes into the
 * cookie only; the table keeps its HMAC (sessionHash). Expired sessions are deleted in the same commit.
 */
export async function openAdminSession(ctx: AppContext, origin: SignInOrigin): Promise<{ token: string; session: AdminSession }> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const label = `web-${randomBytes(4).toString('hex')}`;
  const now = nowIso();
  const expiresAt = new Date(Date.parse(now) + ctx.config.dashboard.sessionTtlS * 1000).toISOString();
  const tokenHash = sessionHash(ctx, token);
  await ctx.storage.transaction(async (tx) => {
    await tx.adminSessions.deleteExpired(now);
    await tx.adminSessions.insert({ token_hash: tokenHash, label, created_at: now, expires_at: expiresAt });
    const details = { ip: origin.ip, userAgent: origin.userAgent?.slice(0, USER_AGENT_MAX) ?? null, expiresAt };
    await tx.events.record({ merchantReference: null, kind: 'admin_signed_in', actor: actorOf(label), details, at: now });
  });
  return { token, session: { tokenHash, label, actor: actorOf(label), expiresAt } };
}

/** The live session of a cookie's token, or null (unknown, signed out or expired). */
export async function findAdminSession(ctx: AppContext, token: string): Promise<AdminSession | null> {
  const row = await ctx.storage.adminSessions.findLive(sessionHash(ctx, token), nowIso());
  return row ? { tokenHash: row.token_hash, label: row.label, actor: actorOf(row.label), expiresAt: row.expires_at } : null;
}

/** Sign-out: the session's row is deleted, so its cookie no longer works anywhere. */
export async function closeAdminSession(ctx: AppContext, session: AdminSession): Promise<void> {
  await ctx.storage.transaction(async (tx) => {
    const now = nowIso();
    if ((await tx.adminSessions.delete(session.tokenHash)) === 0) return;
    await tx.events.record({ merchantReference: null, kind: 'admin_signed_out', actor: session.actor, details: {}, at: now });
  });
}
