import type { StoredLine } from '../store/orders';

/** Latipay's limit for product_name. */
const PRODUCT_NAME_MAX = 255;

/**
 * A name as Latipay and Alipay's cashier may carry it: gatewaydata becomes the mini app's
 * orderStr, `k="v"` pairs joined by `&`, whose signature Alipay checks. A `&`, `=` or `"` in
 * the name would break that construction, so they are replaced.
 */
export function orderStrSafe(name: string): string {
  return name.replace(/&/g, '+').replace(/=/g, '-').replace(/"/g, "'");
}

/** What Latipay is told an order is for: "Flat white ×2 +1 more". */
export function summarizeLines(lines: readonly Pick<StoredLine, 'name' | 'quantity'>[]): string {
  const [first] = lines;
  const more = lines.length > 1 ? ` +${lines.length - 1} more` : '';
  const times = first.quantity > 1 ? ` ×${first.quantity}` : '';
  const name = orderStrSafe(first.name).slice(0, PRODUCT_NAME_MAX - times.length - more.length);
  return `${name}${times}${more}`;
}

export function lineTotalCents(line: Pick<StoredLine, 'quantity' | 'unitPriceCents'>): number {
  return line.unitPriceCents * line.quantity;
}
