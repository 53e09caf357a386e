import type { CartLine, Product } from '../server/contract';
import { MAX_QUANTITY } from './quantity';

// The shopper's cart as a list of lines, and what can be done to it. Pure: the cart is kept
// by cart-store.ts.

/** A line of the cart. The name is kept to say which product it was, should it leave the catalogue. */
export interface CartItem {
  productId: string;
  name: string;
  /** 1 to 99. */
  quantity: number;
}

/** POST /api/orders takes at most this many lines. */
export const MAX_CART_LINES = 20;

export type AddResult =
  | { kind: 'added'; items: CartItem[] }
  /** Added, but the line stopped at MAX_QUANTITY. */
  | { kind: 'capped'; items: CartItem[] }
  /** A new product, and the cart already has MAX_CART_LINES lines: nothing changed. */
  | { kind: 'full' };

/** Adds `quantity` of a product: to its line when it has one, else as a new last line. */
export function addToCart(items: readonly CartItem[], product: Pick<Product, 'id' | 'name'>, quantity: number): AddResult {
  const existing = items.find((item) => item.productId === product.id);
  if (!existing) {
    if (items.length >= MAX_CART_LINES) return { kind: 'full' };
    return { kind: 'added', items: [...items, { productId: product.id, name: product.name, quantity }] };
  }
  const wanted = existing.quantity + quantity;
  const next = items.map((item) =>
    item === existing ? { ...item, name: product.name, quantity: Math.min(wanted, MAX_QUANTITY) } : item,
  );
  return { kind: wanted > MAX_QUANTITY ? 'capped' : 'added', items: next };
}

export function setQuantity(items: readonly CartItem[], productId: string, quantity: number): CartItem[] {
  return items.map((item) => (item.productId === productId ? { ...item, quantity } : item));
}

export function removeFromCart(items: readonly CartItem[], productId: string): CartItem[] {
  return items.filter((item) => item.productId !== productId);
}

/** What the badge shows: every unit of every line. */
export function itemCount(items: readonly CartItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0);
}

/** The cart as POST /api/orders takes it, in the cart's order. */
export function cartLines(items: readonly CartItem[]): CartLine[] {
  return items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
}

/**
 * The cart once an order of it is paid: what was bought leaves it; what was added since the
 * order was made stays.
 */
export function withoutOrdered(items: readonly CartItem[], ordered: readonly CartLine[]): CartItem[] {
  return items
    .map((item) => {
      const bought = ordered.find((line) => line.productId === item.productId);
      return bought ? { ...item, quantity: item.quantity - bought.quantity } : item;
    })
    .filter((item) => item.quantity > 0);
}
