import type { FastifyInstance } from 'fastify';
import { LatipayCode, formatCents, parseAmount, verifySorted, type RefundAnswer } from '../../latipay';
import { isPlainObject, latipayError, missingFields, nonStringFields } from '../latipay-errors';
import { refundedCents } from '../orders';
import type { SandboxState } from '../state';
import { signatureHint } from './create-order';
import { countCalls, withFaults } from './latipay-endpoint';
import { LATIPAY_BODY_LIMIT } from './limits';

const REQUIRED = ['user_id', 'order_id', 'refund_amount', 'signature'] as const;

/** POST /refund (no /v2): by Latipay order id, against the paid order's refundable balance. */
export function registerRefundOrder(app: FastifyInstance, state: SandboxState): void {
  app.post(
    '/refund',
    { bodyLimit: LATIPAY_BODY_LIMIT, onRequest: countCalls(state, 'refund') },
    withFaults(state, 'refund', async (request) => {
      const raw = request.body;
      if (!isPlainObject(raw)) return latipayError(LatipayCode.REFUND_PARAMS_WRONG, 'the request body must be a JSON object');
      const missing = missingFields(raw, REQUIRED);
      if (missing.length > 0) return latipayError(LatipayCode.NULL_FIELDS, `null fields: ${missing.join(', ')}`);
      const notStrings = nonStringFields(raw, Object.keys(raw));
      if (notStrings.length > 0) return latipayError(LatipayCode.REFUND_PARAMS_WRONG, `must be strings: ${notStrings.join(', ')}`);
      const body = raw as Record<string, string>;
      const { opts } = state;

      if (body.user_id !== opts.userId) return latipayError(LatipayCode.KEY_OR_USER, 'user_id is not a known Latipay user');
      if (!verifySorted(body, opts.apiKey)) {
        return latipayError(LatipayCode.WRONG_SIGNATURE, `wrong signature: ${signatureHint(body)}`);
      }
      const cents = parseAmount(body.refund_amount);
      if (cents === null) {
        return latipayError(LatipayCode.REFUND_PARAMS_WRONG, 'refund_amount must be a positive decimal with at most 2 decimals, e.g. "9.99"');
      }
      const reference = body.reference ?? '';
      if (reference.length > 255) return latipayError(LatipayCode.REFUND_PARAMS_WRONG, 'reference must be at most 255 characters');

      const order = state.orders.findByOrderId(body.order_id);
      if (!order) return latipayError(LatipayCode.REFUND_ORDER_NOT_EXIST, `order ${body.order_id} does not exist`);
      if (order.status !== 'paid') {
        return latipayError(LatipayCode.REFUND_PARAMS_WRONG, `order ${order.orderId} is ${order.status}: only a paid order can be refunded`);
      }
      const remaining = order.amountCents - refundedCents(order);
      if (remaining === 0) return latipayError(LatipayCode.REFUND_ALREADY_DONE, `order ${order.orderId} is already fully refunded`);
      if (cents > remaining) {
        return latipayError(
          LatipayCode.REFUND_PARAMS_WRONG,
          `refund_amount ${formatCents(cents)} exceeds the refundable balance ${formatCents(remaining)}`,
        );
      }
      state.orders.addRefund(order.orderId, { amountCents: cents, reference, at: new Date() });
      const answer: RefundAnswer = { code: 0, message: '' };
      return answer;
    }),
  );
}
