import type { CartItem } from './cart';
import { MAX_CART_LINES } from './cart';
import { MAX_QUANTITY } from './quantity';
import { readStorage, writeStorage } from './storage';

/**
 * The cart, kept in storage so it survives a restart of the mini app. When storage will not
 * take it (full: `{success: false}` or a throw), this session keeps it in memory, newer than
 * storage, and every later save tries storage again.
 */

const STORAGE_KEY = 'cart';

let sessionCopy: CartItem[] | null = null;
/** Storage could not be read: writing would wipe the cart it may hold, so this session keeps its own. */
let storageUnreadable = false;

function isCartItem(value: unknown): value is CartItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.productId === 'string' &&
    item.productId !== '' &&
    typeof item.name === 'string' &&
    typeof item.quantity === 'number' &&
    Number.isInteger(item.quantity) &&
    item.quantity >= 1 &&
    item.quantity <= MAX_QUANTITY
  );
}

/** The valid lines of what storage holds, each product once, at most MAX_CART_LINES. */
function validItems(raw: unknown): CartItem[] {
  if (!Array.isArray(raw)) return [];
  const items: CartItem[] = [];
  raw.forEach((value) => {
    if (isCartItem(value) && items.length < MAX_CART_LINES && !items.some((item) => item.productId === value.productId)) {
      items.push({ productId: value.productId, name: value.name, quantity: value.quantity });
    }
  });
  return items;
}

function copyOf(items: readonly CartItem[]): CartItem[] {
  return items.map((item) => ({ ...item }));
}

export function loadCart(): CartItem[] {
  if (sessionCopy) return copyOf(sessionCopy);
  const stored = readStorage(STORAGE_KEY);
  if (stored.ok) return validItems(stored.data);
  storageUnreadable = true;
  sessionCopy = [];
  return [];
}

export function saveCart(items: readonly CartItem[]): void {
  const saved = !storageUnreadable && writeStorage(STORAGE_KEY, items);
  sessionCopy = saved ? null : copyOf(items);
}
