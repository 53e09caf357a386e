import { isIPv4 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { LatipayCode, formatCents, parseWireAmount, sortedMessage, verifySorted, type MiniAlipayAnswer } from '../../latipay';
import { buildGatewayData } from '../gateway-data';
import { isPlainObject, latipayError, missingFields, nonStringFields } from '../latipay-errors';
import { customerOrderId } from '../order-ids';
import type { NewOrder } from '../store';
import type { SandboxState } from '../state';
import { countCalls, withFaults } from './latipay-endpoint';
import { LATIPAY_BODY_LIMIT } from './limits';

const REQUIRED = [
  'user_id',
  'wallet_id',
  'amount',
  'callback_url',
  'merchant_reference',
  'ip',
  'version',
  'product_name',
  'signature',
] as const;

/** Characters that keep the reference usable in a URL path (query, control API). */
export const MERCHANT_REFERENCE = /^[A-Za-z0-9_.:-]{1,64}$/;

function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Shown on a signature mismatch to help a developer: the message without the api_key. */
export function signatureHint(params: Record<string, unknown>): string {
  return `expected the lowercase hex HMAC-SHA256 (key: api_key) of "${sortedMessage(params, '')}" followed by the api_key`;
}

/** The checks after user and signature, in the order a merchant most likely gets them wrong. */
function paramProblem(body: Record<string, string>): string | null {
  if (body.version !== '2.0') return 'version must be "2.0"';
  if (parseWireAmount(body.amount) === null) return 'amount must be a positive decimal with exactly 2 decimals, e.g. "120.00"';
  if (!isIPv4(body.ip)) return 'ip must be the customer\'s IPv4 address, e.g. "122.122.122.1"';
  if (!isHttpUrl(body.callback_url)) return 'callback_url must be an http or https URL';
  if (!MERCHANT_REFERENCE.test(body.merchant_reference)) {
    return 'merchant_reference must be 1 to 64 letters, digits or "_.:-"';
  }
  if (body.product_name.length > 255) return 'product_name must be at most 255 characters';
  return null;
}

/** POST /v2/minialipay: validate as Latipay does, then record a pending order. */
export function registerCreateOrder(app: FastifyInstance, state: SandboxState): void {
  app.post(
    '/v2/minialipay',
    { bodyLimit: LATIPAY_BODY_LIMIT, onRequest: countCalls(state, 'create') },
    withFaults(state, 'create', async (request) => {
      const raw = request.body;
      if (!isPlainObject(raw)) return latipayError(LatipayCode.PARAM_WRONG, 'the request body must be a JSON object');
      const missing = missingFields(raw, REQUIRED);
      if (missing.length > 0) return latipayError(LatipayCode.NULL_FIELDS, `null fields: ${missing.join(', ')}`);
      const notStrings = nonStringFields(raw, Object.keys(raw));
      if (notStrings.length > 0) return latipayError(LatipayCode.PARAM_WRONG, `must be strings: ${notStrings.join(', ')}`);
      const body = raw as Record<string, string>;
      const { opts } = state;

      if (body.user_id !== opts.userId) return latipayError(LatipayCode.KEY_OR_USER, 'user_id is not a known Latipay user');
      if (!verifySorted(body, opts.apiKey)) {
        return latipayError(LatipayCode.WRONG_SIGNATURE, `wrong signature: ${signatureHint(body)}`);
      }
      if (body.wallet_id !== opts.walletId) {
        return latipayError(LatipayCode.WALLET_NOT_ASSIGNED, 'wallet_id is not assigned to this user');
      }
      const problem = paramProblem(body);
      if (problem) return latipayError(LatipayCode.PARAM_WRONG, problem);
      const existing = state.orders.findByReference(body.merchant_reference);
      if (existing) {
        return latipayError(
          LatipayCode.PARAM_WRONG,
          `merchant_reference ${body.merchant_reference} has already been used (order ${existing.orderId}); use a new one per order`,
        );
      }

      const amountCents = parseWireAmount(body.amount) as number;
      const order: NewOrder = {
        orderId: state.orderIds.next(),
        customerOrderId: customerOrderId(),
        merchantReference: body.merchant_reference,
        amountCents,
        currency: opts.currency,
        productName: body.product_name,
        callbackUrl: body.callback_url,
        status: 'pending',
        createdAt: new Date(),
        payTime: null,
      };
      state.orders.add(order);
      const answer: MiniAlipayAnswer = {
        code: 0,
        message: 'SUCCESS',
        messageCN: '操作成功',
        gatewaydata: buildGatewayData({
          orderId: order.orderId,
          amount: formatCents(amountCents),
          currency: order.currency,
          productName: order.productName,
          walletId: opts.walletId,
        }),
        paydata: { orderId: order.orderId, customerOrderId: order.customerOrderId },
      };
      return answer;
    }),
  );
}
