import type { FastifyInstance } from 'fastify';
import { LatipayCode, formatCents, signPaymentResult, verifySorted } from '../../latipay';
import { isPlainObject, latipayError, missingFields, nonStringFields } from '../latipay-errors';
import { formatPayTime } from '../notifier';
import type { SandboxOrder } from '../orders';
import type { SandboxState } from '../state';
import { signatureHint } from './create-order';
import { countCalls, withFaults } from './latipay-endpoint';

/** Query answers know three statuses; canceled and rejected orders answer `failed`. */
function queryStatus(order: SandboxOrder): 'pending' | 'paid' | 'failed' {
  return order.status === 'pending' || order.status === 'paid' ? order.status : 'failed';
}

/**
 * The query answer as JSON text. `amount` is a JSON number written with 2 decimals, as
 * Latipay writes it ("amount":120.00), which JSON.stringify cannot produce; every other
 * value is written by JSON.stringify.
 */
export function queryAnswerJson(order: SandboxOrder, apiKey: string): string {
  const amount = formatCents(order.amountCents);
  const status = queryStatus(order);
  const fields: [string, unknown][] = [
    ['code', 0],
    ['message', 'SUCCESS'],
    ['messageCN', '操作成功'],
    ['merchant_reference', order.merchantReference],
    ['currency', order.currency],
    ['amount', amount],
    ['payment_method', 'alipay'],
    ['status', status],
    ['pay_time', order.payTime ? formatPayTime(order.payTime) : ''],
    ['order_id', order.orderId],
    [
      'signature',
      signPaymentResult(
        { merchant_reference: order.merchantReference, payment_method: 'alipay', status, currency: order.currency, amount },
        apiKey,
      ),
    ],
  ];
  // formatCents always yields digits, a dot and two digits: a valid JSON number as is.
  const members = fields.map(([key, value]) => `${JSON.stringify(key)}:${key === 'amount' ? amount : JSON.stringify(value)}`);
  return `{${members.join(',')}}`;
}

/** GET /v2/transaction/:merchant_reference?user_id=…&signature=… */
export function registerQueryOrder(app: FastifyInstance, state: SandboxState): void {
  app.get(
    '/v2/transaction/:merchant_reference',
    { onRequest: countCalls(state, 'query') },
    withFaults(state, 'query', async (request, reply) => {
      const { merchant_reference: merchantReference } = request.params as { merchant_reference: string };
      const query = isPlainObject(request.query) ? request.query : {};
      const missing = missingFields(query, ['user_id', 'signature']);
      if (missing.length > 0) return latipayError(LatipayCode.NULL_FIELDS, `null fields: ${missing.join(', ')}`);
      const notStrings = nonStringFields(query, ['user_id', 'signature']);
      if (notStrings.length > 0) return latipayError(LatipayCode.PARAM_WRONG, `must be given once: ${notStrings.join(', ')}`);
      const userId = query.user_id as string;
      if (userId !== state.opts.userId) return latipayError(LatipayCode.KEY_OR_USER, 'user_id is not a known Latipay user');
      // The path value is signed, not only the query string.
      const signed = { merchant_reference: merchantReference, user_id: userId, signature: query.signature };
      if (!verifySorted(signed, state.opts.apiKey)) {
        return latipayError(LatipayCode.WRONG_SIGNATURE, `wrong signature: ${signatureHint(signed)}`);
      }
      const order = state.orders.findByReference(merchantReference);
      if (!order) return latipayError(LatipayCode.ORDER_NOT_EXIST, `order ${merchantReference} does not exist`);
      return reply.type('application/json; charset=utf-8').send(queryAnswerJson(order, state.opts.apiKey));
    }),
  );
}
