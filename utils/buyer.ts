import { randomUuid } from './ids';
import { readStorage, writeStorage } from './storage';

const STORAGE_KEY = 'buyerId';
const VALID_ID = /^[A-Za-z0-9-]{8,64}$/;

let cached: string | null = null;

/**
 * The shopper's opaque id, sent as X-Buyer-Id so "My orders" finds their orders. Kept in
 * storage; it identifies, it does not authenticate.
 */
export function buyerId(): string {
  if (cached) return cached;
  const stored = readStorage(STORAGE_KEY);
  if (typeof stored === 'string' && VALID_ID.test(stored)) {
    cached = stored;
  } else {
    cached = randomUuid();
    writeStorage(STORAGE_KEY, cached);
  }
  return cached;
}
