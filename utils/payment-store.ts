import type { CreateOrderResponse, GatewayData, PaymentMode } from '../server/contract';
import { isGatewayData, isPaymentMode } from './api-guards';
import { readStorage, writeStorage } from './storage';

/**
 * The backend hands out an order's gatewaydata only when the order is created, but paying
 * again for a cancelled attempt must re-pay that same order (a second order could be paid
 * too). So the create answer's payment part is kept here, per order, on this device.
 */
export interface StoredPayment {
  gatewaydata: GatewayData;
  mode: PaymentMode;
  savedAt: number;
}

export interface PaymentStore {
  save(merchantReference: string, created: Pick<CreateOrderResponse, 'gatewaydata' | 'mode'>): void;
  load(merchantReference: string): StoredPayment | null;
  forget(merchantReference: string): void;
}

const STORAGE_KEY = 'pendingPayments';
/** Enough for any shopper's open orders, small enough for storage. */
export const MAX_STORED_PAYMENTS = 20;

function isStoredPayment(value: unknown): value is StoredPayment {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return isGatewayData(entry.gatewaydata) && isPaymentMode(entry.mode) && typeof entry.savedAt === 'number';
}

function readAll(): Record<string, StoredPayment> {
  const raw = readStorage(STORAGE_KEY);
  const all: Record<string, StoredPayment> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return all;
  const entries = raw as Record<string, unknown>;
  Object.keys(entries).forEach((ref) => {
    const entry = entries[ref];
    if (isStoredPayment(entry)) all[ref] = entry;
  });
  return all;
}

export function createPaymentStore(now: () => number = Date.now): PaymentStore {
  return {
    save(merchantReference, created) {
      const all = readAll();
      all[merchantReference] = { gatewaydata: created.gatewaydata, mode: created.mode, savedAt: now() };
      const refs = Object.keys(all).sort((a, b) => all[b].savedAt - all[a].savedAt);
      refs.slice(MAX_STORED_PAYMENTS).forEach((ref) => delete all[ref]);
      writeStorage(STORAGE_KEY, all);
    },
    load(merchantReference) {
      return readAll()[merchantReference] ?? null;
    },
    forget(merchantReference) {
      const all = readAll();
      if (!(merchantReference in all)) return;
      delete all[merchantReference];
      writeStorage(STORAGE_KEY, all);
    },
  };
}
