import type { CreateOrderResponse, GatewayData, PaymentMode } from '../server/contract';
import { isGatewayData, isPaymentMode } from './api-guards';
import { cashierSaidNotPaid } from './result-code';
import { readStorage, writeStorage } from './storage';

/**
 * The backend hands out an order's gatewaydata only when the order is created, but paying
 * again for a cancelled attempt must re-pay that same order (a second order could be paid
 * too). So the create answer's payment part is kept here, per order, on this device, with
 * what the cashier last answered for it (pay again decides by it).
 */
export interface StoredPayment {
  gatewaydata: GatewayData;
  mode: PaymentMode;
  productId: string;
  quantity: number;
  savedAt: number;
  /** The cashier's last answer for this order (a result code or CASHIER_NOT_RUN); null before it answered. */
  lastCode: string | null;
}

export interface PaymentStore {
  save(created: CreateOrderResponse): void;
  load(merchantReference: string): StoredPayment | null;
  recordCode(merchantReference: string, code: string): void;
  /** The newest order kept for this product and quantity, saved within `maxAgeMs`. */
  findRecent(productId: string, quantity: number, maxAgeMs: number): string | null;
  forget(merchantReference: string): void;
}

const STORAGE_KEY = 'pendingPayments';
/** Enough for any shopper's open orders, small enough for storage. */
export const MAX_STORED_PAYMENTS = 20;

function isStoredPayment(value: unknown): value is StoredPayment {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    isGatewayData(entry.gatewaydata) &&
    isPaymentMode(entry.mode) &&
    typeof entry.productId === 'string' &&
    typeof entry.quantity === 'number' &&
    typeof entry.savedAt === 'number' &&
    (entry.lastCode === null || typeof entry.lastCode === 'string')
  );
}

/**
 * This session's payments when storage would not keep them (full: my.setStorageSync said
 * `success: false` or threw). They stay here, newer than storage, so "Pay again" and "bought
 * this recently" keep working until the app closes; every later write tries storage again.
 */
let sessionCopy: Record<string, StoredPayment> | null = null;
/**
 * Storage could not be read: writing to it would wipe the payments it holds, so this session
 * keeps its payments in sessionCopy only.
 */
let storageUnreadable = false;

function validEntries(raw: unknown): Record<string, StoredPayment> {
  const all: Record<string, StoredPayment> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return all;
  const entries = raw as Record<string, unknown>;
  Object.keys(entries).forEach((ref) => {
    const entry = entries[ref];
    if (isStoredPayment(entry)) all[ref] = entry;
  });
  return all;
}

/** A copy the caller may change. */
function readAll(): Record<string, StoredPayment> {
  if (sessionCopy) return JSON.parse(JSON.stringify(sessionCopy)) as Record<string, StoredPayment>;
  const stored = readStorage(STORAGE_KEY);
  if (stored.ok) return validEntries(stored.data);
  storageUnreadable = true;
  sessionCopy = {};
  return {};
}

function writeAll(all: Record<string, StoredPayment>): void {
  const saved = !storageUnreadable && writeStorage(STORAGE_KEY, all);
  sessionCopy = saved ? null : all;
}

export function createPaymentStore(now: () => number = Date.now): PaymentStore {
  return {
    save({ order, gatewaydata, mode }) {
      const all = readAll();
      all[order.merchantReference] = { gatewaydata, mode, productId: order.productId, quantity: order.quantity, savedAt: now(), lastCode: null };
      const refs = Object.keys(all).sort((a, b) => all[b].savedAt - all[a].savedAt);
      refs.slice(MAX_STORED_PAYMENTS).forEach((ref) => delete all[ref]);
      writeAll(all);
    },
    load(merchantReference) {
      return readAll()[merchantReference] ?? null;
    },
    recordCode(merchantReference, code) {
      const all = readAll();
      if (!(merchantReference in all)) return;
      // Sticky: once a cashier answer said money may have moved (9000, 8000, 6004, …), a later
      // "not paid" from paying the same order again must not erase it.
      const previous = all[merchantReference].lastCode;
      if (previous !== null && !cashierSaidNotPaid(previous)) return;
      all[merchantReference].lastCode = code;
      writeAll(all);
    },
    findRecent(productId, quantity, maxAgeMs) {
      const all = readAll();
      const since = now() - maxAgeMs;
      const matches = Object.keys(all)
        .filter((ref) => all[ref].productId === productId && all[ref].quantity === quantity && all[ref].savedAt >= since)
        .sort((a, b) => all[b].savedAt - all[a].savedAt);
      return matches.length > 0 ? matches[0] : null;
    },
    forget(merchantReference) {
      const all = readAll();
      if (!(merchantReference in all)) return;
      delete all[merchantReference];
      writeAll(all);
    },
  };
}
