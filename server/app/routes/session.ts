import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context';
import { MINUTE_MS, requestLimit } from '../http/rate-limits';
import { CreateSessionBody, ERRORS, SessionResponse } from '../http/schemas';
import { createSession } from '../services/sessions';

/** POST /api/session: a shopper signs in with the code of my.getAuthCode({ scopes: 'auth_base' }). */
export function sessionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const perIp = requestLimit(app, {
      max: ctx.config.limits.sessionsPerIp,
      windowMs: MINUTE_MS,
      name: 'sessions-per-ip',
      what: 'sign-ins from this address',
      key: (request) => request.ip,
    });
    app.post(
      '/api/session',
      { preHandler: perIp.enforce, schema: { body: CreateSessionBody, response: { 201: SessionResponse, ...ERRORS } } },
      async (request, reply) => reply.code(201).send(await createSession(ctx, request.body.authCode, request.log)),
    );
  };
}
