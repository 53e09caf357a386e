import { badRequest } from './errors';

const BUYER_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** The X-Buyer-Id header (e.g. the Alipay user id): absent, or 1-128 visible ASCII characters. */
export function readBuyerId(header: unknown): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !BUYER_PATTERN.test(header)) {
    throw badRequest('X-Buyer-Id must be 1 to 128 visible ASCII characters');
  }
  return header;
}
