import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { ERRORS } from '../http/schemas';
import { receiveNotification } from '../services/receive-notification';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Any form: the signature is checked before the fields (receive-notification.ts), so the
 * schema asks for no field, lest a forgery missing one were answered 400 rather than 403.
 */
const NotificationForm = Type.Object({}, { additionalProperties: true });

/** POST /api/latipay/notify: answered `sent` (text) once the notification is committed. */
export function notifyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(formbody);

    app.post(
      '/api/latipay/notify',
      { schema: { body: NotificationForm, response: { 200: Type.Literal('sent'), ...ERRORS } } },
      async (request, reply) => {
        const contentType = request.headers['content-type'] ?? '';
        if (!contentType.toLowerCase().startsWith(FORM)) {
          throw new HttpError(415, 'unsupported_media_type', `notifications must be ${FORM}`);
        }
        await receiveNotification(ctx, request.body, request.log);
        return reply.type('text/plain; charset=utf-8').send('sent');
      },
    );
  };
}
