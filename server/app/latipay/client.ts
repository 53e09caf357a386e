import type { FastifyBaseLogger } from 'fastify';
import { formatCents } from '../../latipay/amount';
import { signSorted } from '../../latipay/signature';
import type { GatewayData, MiniAlipayRequest, QueryAnswer, RefundRequest } from '../../latipay/types';
import { isRecord } from '../is-record';
import { addToRequestLine } from '../request-log';
import { LatipayCallError } from './call-error';
import { HttpTimeoutError, LatipayTransport } from './transport';

/** How a call ended: answered code 0, a refusal (code != 0), another HTTP status, an unreadable answer, no answer in time, no connection. */
export type LatipayCallOutcome = 'ok' | 'rejected' | 'http_error' | 'malformed' | 'timeout' | 'unreachable';

export interface LatipayClientOptions {
  /** Read per call: the in-process sandbox's URL is known only once the server listens. */
  baseUrl: () => string;
  userId: string;
  walletId: string;
  apiKey: string;
  timeoutMs: number;
  /** Told of every call once it ends (the metrics): operation, outcome, duration. */
  onCall?: (operation: string, outcome: LatipayCallOutcome, seconds: number) => void;
}

export interface CreatedOrder {
  latipayOrderId: string;
  /** As Latipay sent it: JSON.parse keeps key order. */
  gatewaydata: GatewayData;
  /** gatewaydata re-serialised, key order kept, to be stored. */
  gatewaydataJson: string;
}

type Json = Record<string, unknown>;

const MAX_MESSAGE = 200;
/** Every failure but a connection that was never made: the request may have reached Latipay. */
const REACHED = { mayHaveReachedLatipay: true } as const;
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function latipayMessage(body: Json): string {
  const text = typeof body.message === 'string' && body.message !== '' ? body.message : 'no message';
  return text.slice(0, MAX_MESSAGE);
}

/** Latipay's merchant API: create, query and refund, signed, each with a timeout. */
export class LatipayClient {
  private readonly transport = new LatipayTransport();

  constructor(private readonly options: LatipayClientOptions) {}

  /** Drops the kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  async createOrder(
    input: { amountCents: number; currency: string; callbackUrl: string; merchantReference: string; ip: string; productName: string },
    log: FastifyBaseLogger,
  ): Promise<CreatedOrder> {
    const fields: Omit<MiniAlipayRequest, 'signature'> = {
      user_id: this.options.userId,
      wallet_id: this.options.walletId,
      amount: formatCents(input.amountCents),
      callback_url: input.callbackUrl,
      merchant_reference: input.merchantReference,
      ip: input.ip,
      version: '2.0',
      product_name: input.productName,
    };
    const signed = { ...fields, signature: signSorted(fields, this.options.apiKey) };
    const body = await this.call('create', 'POST', '/v2/minialipay', signed, log);
    const { gatewaydata, paydata } = body;
    if (!isRecord(gatewaydata) || !Object.values(gatewaydata).every((v) => typeof v === 'string')) {
      throw new LatipayCallError('invalid', 'gatewaydata is missing or not a map of strings', REACHED);
    }
    if (!isRecord(paydata) || typeof paydata.orderId !== 'string' || paydata.orderId === '') {
      throw new LatipayCallError('invalid', 'paydata.orderId is missing', REACHED);
    }
    // The shopper pays what gatewaydata says: it must be this order, for this amount.
    const expected = { total_fee: fields.amount, currency: input.currency, out_trade_no: paydata.orderId };
    const differs = (Object.keys(expected) as (keyof typeof expected)[]).filter((key) => gatewaydata[key] !== expected[key]);
    if (differs.length > 0) {
      throw new LatipayCallError('invalid', `gatewaydata does not match the order (${differs.join(', ')})`, REACHED);
    }
    const map = gatewaydata as GatewayData;
    return { latipayOrderId: paydata.orderId, gatewaydata: map, gatewaydataJson: JSON.stringify(map) };
  }

  /** The payment result interface. Fields are type-checked; the caller verifies the signature. */
  async queryOrder(merchantReference: string, log: FastifyBaseLogger): Promise<QueryAnswer> {
    const fields = { merchant_reference: merchantReference, user_id: this.options.userId };
    const signature = signSorted(fields, this.options.apiKey);
    const query = new URLSearchParams({ user_id: this.options.userId, signature });
    const path = `/v2/transaction/${encodeURIComponent(merchantReference)}?${query}`;
    const body = await this.call('query', 'GET', path, undefined, log);
    for (const key of ['merchant_reference', 'currency', 'payment_method', 'status', 'signature'] as const) {
      if (typeof body[key] !== 'string') throw new LatipayCallError('invalid', `${key} is missing`, REACHED);
    }
    if (typeof body.amount !== 'number' || !Number.isFinite(body.amount)) {
      throw new LatipayCallError('invalid', 'amount is not a number', REACHED);
    }
    if (body.merchant_reference !== merchantReference) {
      throw new LatipayCallError('invalid', 'the answer is about another order', REACHED);
    }
    return body as unknown as QueryAnswer;
  }

  async refund(
    input: { latipayOrderId: string; amountCents: number; reference: string },
    log: FastifyBaseLogger,
  ): Promise<void> {
    const fields: Omit<RefundRequest, 'signature'> = {
      user_id: this.options.userId,
      order_id: input.latipayOrderId,
      refund_amount: formatCents(input.amountCents),
      reference: input.reference,
    };
    const signed = { ...fields, signature: signSorted(fields, this.options.apiKey) };
    await this.call('refund', 'POST', '/refund', signed, log);
  }

  /** One call; resolves with an answer whose `code` is 0, else throws LatipayCallError. */
  private async call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    payload: Json | undefined,
    log: FastifyBaseLogger,
  ): Promise<Json> {
    const started = Date.now();
    const ended = (outcome: LatipayCallOutcome) => this.options.onCall?.(operation, outcome, (Date.now() - started) / 1000);
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.transport.request(`${this.options.baseUrl()}${path}`, {
        method,
        headers: payload ? { 'content-type': 'application/json;charset=UTF-8' } : undefined,
        body: payload ? JSON.stringify(payload) : undefined,
        timeoutMs: this.options.timeoutMs,
      }));
    } catch (err) {
      const timedOut = err instanceof HttpTimeoutError;
      ended(timedOut ? 'timeout' : 'unreachable');
      const code = (err as { code?: unknown }).code;
      // Operation, duration and error code only: URLs carry signatures, bodies carry data.
      const error = timedOut ? 'timeout' : typeof code === 'string' ? code : 'request failed';
      log.warn({ latipay: { operation, ms: Date.now() - started, error } }, 'Latipay call failed');
      if (timedOut) throw new LatipayCallError('timeout', `no answer within ${this.options.timeoutMs} ms`, { ...REACHED, cause: err });
      const notSent = typeof code === 'string' && NOT_SENT_CODES.has(code);
      throw new LatipayCallError('unreachable', 'connection failed', { mayHaveReachedLatipay: !notSent, cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const code = isRecord(body) ? body.code : undefined;
    ended(status !== 200 ? 'http_error' : typeof code !== 'number' ? 'malformed' : code === 0 ? 'ok' : 'rejected');
    // A refusal is logged by its code only: its message can describe the signed request.
    const latipay = { operation, ms: Date.now() - started, httpStatus: status, code };
    // A request makes one Latipay call at most: a successful one goes on the request's line.
    if (status === 200 && code === 0) addToRequestLine(log, { latipay }, 'Latipay answered');
    else log.warn({ latipay }, 'Latipay answered');
    if (status === 502 || status === 503 || status === 504) {
      throw new LatipayCallError('unreachable', `HTTP ${status}`, REACHED);
    }
    if (status !== 200) throw new LatipayCallError('invalid', `HTTP ${status}`, REACHED);
    if (!isRecord(body) || typeof body.code !== 'number') {
      throw new LatipayCallError('invalid', 'not a Latipay JSON answer', REACHED);
    }
    if (body.code !== 0) {
      throw new LatipayCallError('rejected', latipayMessage(body), { ...REACHED, latipayCode: body.code });
    }
    return body;
  }
}
