import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { LogThrottle } from '../http/log-throttle';
import { MINUTE_MS, requestLimit } from '../http/rate-limits';
import { ERRORS } from '../http/schemas';
import { receiveNotification } from '../services/receive-notification';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Any form: the signature is checked before the fields (receive-notification.ts), so the
 * schema asks for no field, lest a forgery missing one were answered 400 rather than 403.
 */
const NotificationForm = Type.Object({}, { additionalProperties: true });

/** How a refused notification is counted in the metrics (others by their error code). */
const OUTCOMES: Record<number, string> = { 403: 'invalid_signature', 404: 'unknown_order' };

const REFUSALS: Record<number, string> = {
  403: 'notification with an invalid signature refused',
  404: 'notification for an unknown order refused',
};

/**
 * POST /api/latipay/notify: answered `sent` (text) once the notification is committed.
 * A correctly signed notification is never limited. Refused ones (bad signature, unknown
 * order) count against the sender's address; past the limit, a badly signed one gets 429.
 * Their warning lines are throttled (LogThrottle).
 */
export function notifyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const logs = new LogThrottle();
  return async (app) => {
    await app.register(formbody);
    const refusals = requestLimit(app, {
      max: ctx.config.limits.notifyRefusalsPerIp,
      windowMs: MINUTE_MS,
      name: 'notify-refusals',
      what: 'refused notifications from this address',
      key: (request) => request.ip,
    });

    app.post(
      '/api/latipay/notify',
      { schema: { body: NotificationForm, response: { 200: Type.Literal('sent'), ...ERRORS } } },
      async (request, reply) => {
        const contentType = request.headers['content-type'] ?? '';
        if (!contentType.toLowerCase().startsWith(FORM)) {
          throw new HttpError(415, 'unsupported_media_type', `notifications must be ${FORM}`);
        }
        try {
          ctx.metrics.notifications.inc({ outcome: await receiveNotification(ctx, request.body, request.log) });
        } catch (err) {
          ctx.metrics.notifications.inc({ outcome: err instanceof HttpError ? (OUTCOMES[err.statusCode] ?? err.code) : 'error' });
          const refusal = err instanceof HttpError ? REFUSALS[err.statusCode] : undefined;
          if (refusal === undefined) throw err;
          const { merchant_reference: merchantReference } = request.body as { merchant_reference?: unknown };
          logs.warn(request.log, refusal, { merchantReference: String(merchantReference).slice(0, 64), ip: request.ip });
          // Signed but for an unknown order: counted, never limited.
          if ((err as HttpError).statusCode === 403) await refusals.enforce(request, reply);
          else await refusals.count(request);
          throw err;
        }
        return reply.type('text/plain; charset=utf-8').send('sent');
      },
    );
  };
}
