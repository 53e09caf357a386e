import { createHmac, timingSafeEqual } from 'node:crypto';

/** A value Latipay leaves out of a sorted-style message: null, undefined or the empty string. */
function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '';
}

function hmacHex(message: string, apiKey: string): string {
  return createHmac('sha256', apiKey).update(message, 'utf8').digest('hex');
}

/**
 * The sorted-style message: every present parameter except `signature`, as raw `k=v`
 * (no URL encoding), keys sorted, joined by `&`, with the api_key appended.
 */
export function sortedMessage(params: Record<string, unknown>, apiKey: string): string {
  return (
    Object.keys(params)
      .filter((key) => key !== 'signature' && isPresent(params[key]))
      .sort()
      .map((key) => `${key}=${String(params[key])}`)
      .join('&') + apiKey
  );
}

/** Signature for create, query and refund requests. */
export function signSorted(params: Record<string, unknown>, apiKey: string): string {
  return hmacHex(sortedMessage(params, apiKey), apiKey);
}

/** Signature for notifications and query responses: the values concatenated, no key appended. */
export function signConcat(values: readonly string[], apiKey: string): string {
  return hmacHex(values.join(''), apiKey);
}

/** Constant-time comparison of a received signature with the expected one. */
export function signaturesEqual(received: unknown, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(received.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Length is not secret (always 64 hex chars); comparing it first is what timingSafeEqual needs.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifySorted(params: Record<string, unknown>, apiKey: string): boolean {
  return signaturesEqual(params.signature, signSorted(params, apiKey));
}

/** The values a notification or query response signs, in Latipay's order. */
export function paymentResultValues(fields: {
  merchant_reference: string;
  payment_method: string;
  status: string;
  currency: string;
  amount: string;
}): string[] {
  return [fields.merchant_reference, fields.payment_method, fields.status, fields.currency, fields.amount];
}

export function signPaymentResult(fields: Parameters<typeof paymentResultValues>[0], apiKey: string): string {
  return signConcat(paymentResultValues(fields), apiKey);
}

export function verifyPaymentResult(
  fields: Parameters<typeof paymentResultValues>[0],
  signature: unknown,
  apiKey: string,
): boolean {
  return signaturesEqual(signature, signPaymentResult(fields, apiKey));
}
