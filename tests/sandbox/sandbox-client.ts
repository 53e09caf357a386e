/** Test-side Latipay client for the sandbox: signs with the real signature code, over real HTTP. */
import { signSorted } from '../../server/latipay';

export const ACCOUNT = {
  userId: 'U000000777',
  walletId: 'W000000777',
  apiKey: 'tests-api-key-Zq81',
  currency: 'NZD',
};

export interface HttpAnswer {
  status: number;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: any;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function request(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const hasBody = body !== undefined;
  const response = await fetch(url, {
    method,
    headers: hasBody ? { 'content-type': 'application/json', ...headers } : headers,
    body: hasBody ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, json: parse(text) };
}

let referenceCounter = 0;
/** A merchant_reference unique within the test run. */
export function newReference(prefix = 'ref'): string {
  referenceCounter += 1;
  return `${prefix}-${process.pid}-${referenceCounter}`;
}

/** A create request body, signed over every field given (overrides included). */
export function createBody(
  callbackUrl: string,
  overrides: Record<string, string | undefined> = {},
  apiKey = ACCOUNT.apiKey,
): Record<string, string> {
  const fields: Record<string, string> = {
    user_id: ACCOUNT.userId,
    wallet_id: ACCOUNT.walletId,
    amount: '120.00',
    callback_url: callbackUrl,
    merchant_reference: newReference(),
    ip: '122.122.122.1',
    version: '2.0',
    product_name: 'Pinot Noir, Otago',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete fields[key];
    else fields[key] = value;
  }
  return { ...fields, signature: signSorted(fields, apiKey) };
}

export async function createOrder(baseUrl: string, callbackUrl: string, overrides: Record<string, string | undefined> = {}) {
  const body = createBody(callbackUrl, overrides);
  const answer = await request('POST', `${baseUrl}/v2/minialipay`, body);
  if (answer.json?.code !== 0) throw new Error(`create failed: ${answer.text}`);
  return { reference: body.merchant_reference, orderId: answer.json.paydata.orderId as string, answer };
}

export function queryUrl(baseUrl: string, reference: string, apiKey = ACCOUNT.apiKey, userId = ACCOUNT.userId): string {
  const signature = signSorted({ merchant_reference: reference, user_id: userId }, apiKey);
  return `${baseUrl}/v2/transaction/${encodeURIComponent(reference)}?user_id=${encodeURIComponent(userId)}&signature=${signature}`;
}

export function refundBody(orderId: string, refundAmount: string, reference = 'customer returned it') {
  const fields = { user_id: ACCOUNT.userId, order_id: orderId, refund_amount: refundAmount, reference };
  return { ...fields, signature: signSorted(fields, ACCOUNT.apiKey) };
}

export function complete(baseUrl: string, reference: string, body?: Record<string, unknown>) {
  return request('POST', `${baseUrl}/sandbox/orders/${encodeURIComponent(reference)}/complete`, body ?? {});
}

export async function orderState(baseUrl: string, reference: string) {
  const answer = await request('GET', `${baseUrl}/sandbox/orders/${encodeURIComponent(reference)}`);
  return answer.json.order;
}
