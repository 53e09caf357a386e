import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { formatCents, parseAmount } from '../../../latipay/amount';
import { HttpError } from '../../errors';
import { OrderParams, RefundParams } from '../../http/schemas';
import { dashboardOrder, refundPreview } from '../../services/dashboard-order';
import { refundOrder } from '../../services/refund-order';
import { resolveRefund } from '../../services/resolve-refund';
import { field } from '../form';
import type { Dashboard } from '../plugin';
import { DASHBOARD_PATH, requireSession, sessionOf } from '../session';
import { renderOrder, type RefundFormState } from './order';

const REASON_MAX = 200;
const NOTE_MAX = 500;
/** The Idempotency-Key of one confirmation form: a double click sends it twice, and refunds once. */
const KEY_PATTERN = /^dashboard-[0-9a-f-]{36}$/;

const orderPath = (reference: string) => `${DASHBOARD_PATH}/orders/${encodeURIComponent(reference)}`;

interface RefundRequest {
  cents: number;
  amount: string;
  reason: string;
}

/** The refund form's values, or what is wrong with them. */
function readRefund(request: FastifyRequest): RefundRequest | RefundFormState {
  const amount = field(request, 'amount');
  const reason = field(request, 'reason');
  const cents = parseAmount(amount);
  if (cents === null) return { amount, reason, error: { key: 'refund.badAmount' } };
  if (reason === '' || reason.length > REASON_MAX) return { amount, reason, error: { key: 'refund.badReason' } };
  return { cents, amount: formatCents(cents), reason };
}

/**
 * Refunds from an order's page in two steps: the form is reviewed on a confirmation page that
 * says what will happen, whose button makes the refund through the API's own service and
 * Idempotency-Key rules, in the session's name.
 */
export function refundRoutes(dashboard: Dashboard): FastifyPluginAsync {
  const { ctx, render } = dashboard;
  return async (app) => {
    const guarded = { preHandler: [requireSession, app.csrfProtection] };
    const reference = (request: FastifyRequest) => (request.params as { merchantReference: string }).merchantReference;

    app.post('/orders/:merchantReference/refund-review', { ...guarded, schema: { params: OrderParams } }, async (request, reply) => {
      const merchantReference = reference(request);
      const asked = readRefund(request);
      if (!('cents' in asked)) return renderOrder(dashboard, request, reply, merchantReference, asked, 400);
      const order = await dashboardOrder(ctx, merchantReference);
      if (asked.cents > order.leftCents) {
        const error = { key: 'refund.tooMuch', vars: { amount: formatCents(order.leftCents), currency: order.currency } };
        return renderOrder(dashboard, request, reply, merchantReference, { ...asked, error }, 409);
      }
      return render(
        request,
        reply,
        'confirm-refund',
        { order, nav: 'orders', refund: asked, preview: refundPreview(order, asked.cents), idempotencyKey: `dashboard-${randomUUID()}` },
        { switchTo: orderPath(merchantReference) },
      );
    });

    app.post('/orders/:merchantReference/refunds', { ...guarded, schema: { params: OrderParams } }, async (request, reply) => {
      const merchantReference = reference(request);
      const asked = readRefund(request);
      const idempotencyKey = field(request, 'idempotencyKey');
      if (!('cents' in asked) || !KEY_PATTERN.test(idempotencyKey)) {
        throw new HttpError(400, 'invalid_request', 'the confirmation form was not complete; start the refund again from the order');
      }
      try {
        await refundOrder(
          ctx,
          { merchantReference, amountCents: asked.cents, reason: asked.reason, idempotencyKey, actor: sessionOf(request)!.actor },
          request.log,
        );
      } catch (err) {
        if (!(err instanceof HttpError) || err.statusCode === 404) throw err;
        return refused(request, reply, merchantReference, asked, err);
      }
      return reply.redirect(`${orderPath(merchantReference)}?notice=refunded`, 303);
    });

    /** The order's page again, saying why the refund was not made (or that its outcome is unknown). */
    function refused(request: FastifyRequest, reply: FastifyReply, merchantReference: string, asked: RefundRequest, err: HttpError) {
      const error = err.code === 'refund_outcome_unknown' ? { key: 'refund.unknown' } : { key: 'refund.refused', vars: { message: err.message } };
      return renderOrder(dashboard, request, reply, merchantReference, { amount: asked.amount, reason: asked.reason, error }, err.statusCode);
    }

    app.post('/refunds/:refundId/resolve', { ...guarded, schema: { params: RefundParams } }, async (request, reply) => {
      const { refundId } = request.params as { refundId: string };
      const outcome = field(request, 'outcome');
      const note = field(request, 'note');
      if ((outcome !== 'succeeded' && outcome !== 'failed') || note.length > NOTE_MAX) {
        throw new HttpError(400, 'invalid_request', 'choose what Latipay did (succeeded or failed); the note is at most 500 characters');
      }
      const resolved = await resolveRefund(ctx, refundId, { outcome, note: note === '' ? null : note }, sessionOf(request)!.actor, request.log);
      return reply.redirect(`${orderPath(resolved.order.merchantReference)}?notice=resolved`, 303);
    });
  };
}
