import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context';
import { adminLockout, type AdminLockout } from '../http/admin-auth';
import { errorPages } from './errors';
import { renderer, type Render } from './render';
import { orderRoutes } from './routes/order';
import { orderListRoutes } from './routes/orders';
import { refundRoutes } from './routes/refunds';
import { reportRoutes } from './routes/reports';
import { signInRoutes } from './routes/sign-in';
import { csrfHmacKey, csrfTokenOf, securityHeaders } from './security';
import { DASHBOARD_PATH, csrfUserInfo, sessionHook } from './session';

/** What the dashboard's route groups share. */
export interface Dashboard {
  ctx: AppContext;
  render: Render;
  /** The admin lockout of the admin API: wrong tokens at the sign-in form count towards it. */
  lockout: AdminLockout;
}

async function registerCommon(app: FastifyInstance, ctx: AppContext): Promise<Render> {
  await app.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true, autoTrim: [false, 'nl'] }) },
    root: path.join(__dirname, 'views'),
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  app.addHook('onRequest', securityHeaders);
  const render = renderer(ctx);
  app.setErrorHandler(errorPages(render));
  app.setNotFoundHandler((request, reply) => render(request, reply, 'error', { error: { status: 404, key: 'error.notFound' } }, { status: 404 }));
  return render;
}

/** Every page says the dashboard is off while ADMIN_TOKEN is unset. */
function disabledPages(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const render = await registerCommon(app, ctx);
    const disabled = { status: 503 };
    app.all('/', (request, reply) => render(request, reply, 'disabled', {}, disabled));
    app.all('/*', (request, reply) => render(request, reply, 'disabled', {}, disabled));
  };
}

function pages(ctx: AppContext, adminToken: string): FastifyPluginAsync {
  return async (app) => {
    const render = await registerCommon(app, ctx);
    // The CSRF secret lives in its own cookie; each token is also bound to the session (userInfo).
    await app.register(fastifyCsrf, {
      cookieKey: 'admin_csrf',
      cookieOpts: { path: DASHBOARD_PATH, httpOnly: true, sameSite: 'strict' },
      getToken: csrfTokenOf,
      getUserInfo: csrfUserInfo,
      csrfOpts: { hmacKey: csrfHmacKey(adminToken), userInfo: true },
    });
    const lockout = adminLockout(ctx.config.limits, ctx.counters);
    // A locked-out address is refused the whole dashboard, as it is the admin API.
    app.addHook('onRequest', (request, reply) => lockout.check(request, reply));
    app.addHook('onRequest', sessionHook(ctx));
    const dashboard: Dashboard = { ctx, render, lockout };
    await app.register(signInRoutes(dashboard, adminToken));
    await app.register(orderListRoutes(dashboard));
    await app.register(orderRoutes(dashboard));
    await app.register(refundRoutes(dashboard));
    await app.register(reportRoutes(dashboard));
  };
}

/**
 * The merchant's dashboard at /admin: server-rendered pages (eta, escaped), one stylesheet,
 * forms that work without script. Signed in with ADMIN_TOKEN for a session cookie.
 */
export function dashboardPlugin(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(
      async (scope) => {
        await scope.register(fastifyStatic, {
          root: path.join(__dirname, 'static'),
          prefix: '/static/',
          decorateReply: false,
          index: false,
        });
        const { adminToken } = ctx.config;
        await scope.register(adminToken === null ? disabledPages(ctx) : pages(ctx, adminToken));
      },
      { prefix: DASHBOARD_PATH },
    );
  };
}

