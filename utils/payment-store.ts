import type { CartLine, CreateOrderResponse, GatewayData, PaymentMode } from '../server/contract';
import { isGatewayData, isPaymentMode } from './api-guards';
import { linesOf, sameLines } from './order-lines';
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
  /** What the order is for: product and quantity per line. */
  lines: CartLine[];
  /** Bought from the cart: once the server says it is paid, its lines leave the cart. */
  forCart: boolean;
  savedAt: number;
  /** The cashier's last answer for this order (a result code or CASHIER_NOT_RUN); null before it answered. */
  lastCode: string | null;
}

export interface PaymentStore {
  save(created: CreateOrderResponse, forCart: boolean): void;
  load(merchantReference: string): StoredPayment | null;
  recordCode(merchantReference: string, code: string): void;
  /** The newest order kept for these lines (in any order), saved within `maxAgeMs`. */
  findRecent(lines: readonly CartLine[], maxAgeMs: number): string | null;
  /** The cart is paying for this order now: its lines leave the cart once it is paid. */
  markForCart(merchantReference: string): void;
  forget(merchantReference: string): void;
}

const STORAGE_KEY = 'pendingPayments';
/** Enough for any shopper's open orders, small enough for storage. */
export const MAX_STORED_PAYMENTS = 20;

function isLine(value: unknown): value is CartLine {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as Record<string, unknown>;
  return typeof line.productId === 'string' && typeof line.quantity === 'number';
}

/**
 * What a kept payment's order is for. One kept before carts has a single `productId` and
 * `quantity`: read as one line, so its order can still be paid again after the app is updated.
 */
function linesIn(entry: Record<string, unknown>): CartLine[] | null {
  if (Array.isArray(entry.lines)) return entry.lines.length > 0 && entry.lines.every(isLine) ? entry.lines : null;
  return isLine(entry) ? [{ productId: entry.productId, quantity: entry.quantity }] : null;
}

function storedPayment(value: unknown): StoredPayment | null {
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  const lines = linesIn(entry);
  if (
    !isGatewayData(entry.gatewaydata) ||
    !isPaymentMode(entry.mode) ||
    lines === null ||
    typeof entry.savedAt !== 'number' ||
    !(entry.lastCode === null || typeof entry.lastCode === 'string')
  ) {
    return null;
  }
  const { gatewaydata, mode, savedAt, lastCode } = entry;
  return { gatewaydata, mode, lines, forCart: entry.forCart === true, savedAt, lastCode };
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
    const entry = storedPayment(entries[ref]);
    if (entry) all[ref] = entry;
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
    save({ order, gatewaydata, mode }, forCart) {
      const all = readAll();
      all[order.merchantReference] = { gatewaydata, mode, lines: linesOf(order.items), forCart, savedAt: now(), lastCode: null };
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
    findRecent(lines, maxAgeMs) {
      const all = readAll();
      const since = now() - maxAgeMs;
      const matches = Object.keys(all)
        .filter((ref) => sameLines(all[ref].lines, lines) && all[ref].savedAt >= since)
        .sort((a, b) => all[b].savedAt - all[a].savedAt);
      return matches.length > 0 ? matches[0] : null;
    },
    markForCart(merchantReference) {
      const all = readAll();
      if (!(merchantReference in all) || all[merchantReference].forCart) return;
      all[merchantReference].forCart = true;
      writeAll(all);
    },
    forget(merchantReference) {
      const all = readAll();
      if (!(merchantReference in all)) return;
      delete all[merchantReference];
      writeAll(all);
    },
  };
}
