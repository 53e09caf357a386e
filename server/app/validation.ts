import { parseAmount } from '../latipay/amount';
import { badRequest } from './errors';
import { REFERENCE_PATTERN } from './ids';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('the body must be a JSON object');
  return body;
}

export function parseCreateOrderBody(body: unknown): { productId: string; quantity: number } {
  const { productId, quantity } = requireObject(body);
  if (typeof productId !== 'string' || productId.length === 0 || productId.length > 64) {
    throw badRequest('productId must be a string of 1 to 64 characters');
  }
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
    throw badRequest('quantity must be an integer from 1 to 99');
  }
  return { productId, quantity };
}

export function parseRefundBody(body: unknown): { amountCents: number; reason: string } {
  const { amount, reason } = requireObject(body);
  const amountCents = parseAmount(amount);
  if (amountCents === null) throw badRequest('amount must be a positive amount string with at most 2 decimals, e.g. "0.50"');
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 200) {
    throw badRequest('reason must be a non-empty string of at most 200 characters');
  }
  return { amountCents, reason: reason.trim() };
}

/** A merchant reference from a URL; anything that cannot be one is simply not found. */
export function isMerchantReference(value: string): boolean {
  return REFERENCE_PATTERN.test(value);
}

export function parseRefreshFlag(value: unknown): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw badRequest('refresh must be true or false');
}

export type RefundResolution = { outcome: 'succeeded' | 'failed'; note: string | null };

/** Body of POST /api/admin/refunds/{refundId}/resolve. */
export function parseResolveBody(body: unknown): RefundResolution {
  const { outcome, note } = requireObject(body);
  if (outcome !== 'succeeded' && outcome !== 'failed') throw badRequest('outcome must be "succeeded" or "failed"');
  if (note !== undefined && (typeof note !== 'string' || note.length > 500)) {
    throw badRequest('note must be a string of at most 500 characters');
  }
  return { outcome, note: note?.trim() || null };
}
