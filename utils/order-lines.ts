import type { CartLine, OrderItem } from '../server/contract';

/** What an order is for, as POST /api/orders takes it: product and quantity per line. */
export function linesOf(items: readonly OrderItem[]): CartLine[] {
  return items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
}

/** The same products in the same quantities, in any order. */
export function sameLines(a: readonly CartLine[], b: readonly CartLine[]): boolean {
  return linesKey(a) === linesKey(b);
}

function linesKey(lines: readonly CartLine[]): string {
  return lines
    .map((line) => `${line.productId}\u0000${line.quantity}`)
    .sort()
    .join('\u0001');
}
