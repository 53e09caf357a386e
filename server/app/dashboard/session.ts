import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context';
import { findAdminSession, type AdminSession } from '../services/dashboard-sessions';

/** Where the dashboard is served; its cookies are sent nowhere else. */
export const DASHBOARD_PATH = '/admin';
export const SESSION_COOKIE = 'admin_session';

const sessions = new WeakMap<FastifyRequest, AdminSession>();

/** The request's signed-in session, found by the onRequest hook below; null when signed out. */
export function sessionOf(request: FastifyRequest): AdminSession | null {
  return sessions.get(request) ?? null;
}

/** Secure cookies when the browser reached us over https: directly, through a trusted proxy, or by PUBLIC_BASE_URL. */
export function overHttps(ctx: AppContext, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (ctx.config.publicBaseUrl?.startsWith('https://') ?? false);
}

/** Options every dashboard cookie shares: never readable by a script, never sent from another site. */
export function cookieOptions(ctx: AppContext, request: FastifyRequest) {
  return { path: DASHBOARD_PATH, httpOnly: true, sameSite: 'strict' as const, secure: overHttps(ctx, request) };
}

/** onRequest: finds the live session of the request's cookie, if any. */
export function sessionHook(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await findAdminSession(ctx, token);
    if (session) sessions.set(request, session);
  };
}

/** preHandler of the pages that need a sign-in: without one, the browser goes to the sign-in form. */
export async function requireSession(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  return sessions.has(request) ? undefined : reply.redirect(`${DASHBOARD_PATH}/sign-in`, 303);
}

export function setSessionCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(ctx, request), maxAge: ctx.config.dashboard.sessionTtlS });
}

export function clearSessionCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx, request));
}

/**
 * What a CSRF token is bound to (@fastify/csrf's userInfo): the session, so a token made for
 * one session is worthless in another and after sign-out; the sign-in form's, before one.
 */
export function csrfUserInfo(request: FastifyRequest): string {
  return sessionOf(request)?.tokenHash ?? 'signed-out';
}
