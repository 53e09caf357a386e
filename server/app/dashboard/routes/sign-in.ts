import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { adminTokenCheck } from '../../http/admin-auth';
import { closeAdminSession, openAdminSession } from '../../services/dashboard-sessions';
import { field } from '../form';
import type { Dashboard } from '../plugin';
import { DASHBOARD_PATH, clearSessionCookie, sessionOf, setSessionCookie } from '../session';

/** Signing in with the admin token, for a session cookie, and signing out. */
export function signInRoutes({ ctx, render, lockout }: Dashboard, adminToken: string): FastifyPluginAsync {
  const isAdminToken = adminTokenCheck(adminToken);
  return async (app) => {
    app.get('/', async (request, reply) => reply.redirect(`${DASHBOARD_PATH}/${sessionOf(request) ? 'orders' : 'sign-in'}`, 303));

    app.get('/sign-in', async (request, reply) => {
      if (sessionOf(request)) return reply.redirect(`${DASHBOARD_PATH}/orders`, 303);
      const signedOut = (request.query as Record<string, unknown>).signedOut === '1';
      return render(request, reply, 'sign-in', { wrong: false, signedOut });
    });

    app.post('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
      if (!isAdminToken(field(request, 'token'))) {
        await lockout.fail(request);
        return render(request, reply, 'sign-in', { wrong: true, signedOut: false }, { status: 401, switchTo: `${DASHBOARD_PATH}/sign-in` });
      }
      const { token } = await openAdminSession(ctx, { ip: request.ip, userAgent: request.headers['user-agent'] });
      setSessionCookie(ctx, request, reply, token);
      return reply.redirect(`${DASHBOARD_PATH}/orders`, 303);
    });

    // Without a session there is nothing to end, and so nothing a forged form could do.
    const csrfWhileSignedIn = (request: FastifyRequest, reply: FastifyReply, done: () => void) =>
      sessionOf(request) ? app.csrfProtection(request, reply, done) : done();
    app.post('/sign-out', { preHandler: csrfWhileSignedIn }, async (request, reply) => {
      const session = sessionOf(request);
      if (session) await closeAdminSession(ctx, session);
      clearSessionCookie(ctx, request, reply);
      return reply.redirect(`${DASHBOARD_PATH}/sign-in?signedOut=1`, 303);
    });
  };
}
