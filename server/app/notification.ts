import { badRequest } from './errors';

/** The signed fields of a Latipay notification, plus what is stored with it. */
export interface ReceivedNotification {
  merchant_reference: string;
  payment_method: string;
  status: string;
  currency: string;
  amount: string;
  signature: string;
  /**
   * Every field received, signature included: extra ones such as amount_cny, and order_id,
   * which is kept for the record but never used (the signature does not cover it).
   */
  all: Record<string, unknown>;
}

const SIGNED = ['merchant_reference', 'payment_method', 'status', 'currency', 'amount', 'signature'] as const;

/** Reads a parsed form body; only structure is checked here, the signature comes next. */
export function readNotification(body: unknown): ReceivedNotification {
  if (typeof body !== 'object' || body === null) throw badRequest('the notification has no form fields');
  const all = body as Record<string, unknown>;
  const missing = SIGNED.filter((key) => typeof all[key] !== 'string' || all[key] === '');
  if (missing.length > 0) throw badRequest(`the notification lacks ${missing.join(', ')} (or has them twice)`);
  const field = (key: (typeof SIGNED)[number]) => all[key] as string;
  return {
    merchant_reference: field('merchant_reference'),
    payment_method: field('payment_method'),
    status: field('status'),
    currency: field('currency'),
    amount: field('amount'),
    signature: field('signature'),
    all,
  };
}
