import { randomUuid } from './ids';
import { readStorage, writeStorage } from './storage';

const STORAGE_KEY = 'deviceId';
const VALID_ID = /^[A-Za-z0-9-]{8,64}$/;

let cached: string | null = null;
/** A new id storage has not taken yet (full): saving it is tried again on every call. */
let unsaved = false;

/**
 * This device's opaque random id. It identifies nobody (the shopper is who Alipay says,
 * utils/session.ts); it names the sandbox shopper of a develop build that cannot get an Alipay
 * code (`sandbox:<device id>`). When storage is full the id lives in memory for the session and
 * is saved as soon as storage takes it, so the next launch keeps it.
 */
export function deviceId(): string {
  if (cached === null) cached = storedOrNewId();
  if (unsaved) unsaved = !writeStorage(STORAGE_KEY, cached);
  return cached;
}

function storedOrNewId(): string {
  const stored = readStorage(STORAGE_KEY);
  if (stored.ok && typeof stored.data === 'string' && VALID_ID.test(stored.data)) return stored.data;
  // Storage that could not be read may still hold the id: this session gets an id of its own,
  // and never writes it over that one.
  unsaved = stored.ok;
  return randomUuid();
}
