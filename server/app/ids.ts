import { randomBytes } from 'node:crypto';

/** 120 random bits, hex: unguessable, so the reference alone is enough to read an order. */
export function newMerchantReference(): string {
  return `M${randomBytes(15).toString('hex')}`;
}

export function newRefundId(): string {
  return `R${randomBytes(12).toString('hex')}`;
}

/** What a merchant reference or refund id from a client may look like before any lookup. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
