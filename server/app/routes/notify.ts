import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { parseAmount } from '../../latipay/amount';
import { verifyPaymentResult } from '../../latipay/signature';
import type { AppContext } from '../context';
import { ApiError, notFound } from '../errors';
import { readNotification } from '../notification';
import { outcomeOf } from '../payment-state';
import { applyPayment, logSettlement, type PaymentReport } from '../settle-payment';

const FORM = 'application/x-www-form-urlencoded';

/**
 * POST /api/latipay/notify, Latipay's asynchronous payment result. `sent` is answered only
 * once the result is committed: notifications arriving together share one commit
 * (GroupCommit), and each is answered after it.
 *
 * A result whose amount or currency differs from the order's, or whose status is unknown,
 * is answered `sent` too, after it has been stored and recorded as an anomaly: it will never
 * match on a retry, and a 4xx would only make Latipay resend it every 30 s forever. The
 * order is left unchanged.
 */
export function notifyRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody);

    app.post('/api/latipay/notify', async (request, reply) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!contentType.toLowerCase().startsWith(FORM)) {
        throw new ApiError(415, 'unsupported_media_type', `notifications must be ${FORM}`);
      }
      const notification = readNotification(request.body);
      if (!verifyPaymentResult(notification, notification.signature, ctx.config.latipay.apiKey)) {
        const merchantReference = notification.merchant_reference;
        request.log.warn({ merchantReference }, 'notification with an invalid signature refused');
        throw new ApiError(403, 'invalid_signature', 'the notification signature does not verify');
      }
      const report: PaymentReport = {
        source: 'notify',
        merchantReference: notification.merchant_reference,
        outcome: outcomeOf(notification.status),
        latipayStatus: notification.status,
        amount: notification.amount,
        amountCents: parseAmount(notification.amount),
        currency: notification.currency,
        fields: notification.all,
      };
      const settlement = await ctx.groupCommit.run(() => applyPayment(ctx.stores, report));
      logSettlement(report, settlement, request.log);
      if (!settlement) {
        const merchantReference = notification.merchant_reference;
        request.log.warn({ merchantReference }, 'notification for an unknown order refused');
        throw notFound('no order with this merchant reference');
      }
      return reply.type('text/plain; charset=utf-8').send('sent');
    });
  };
}
