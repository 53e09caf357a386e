/**
 * Storage that never throws: a full or broken storage must not break a payment.
 *
 * my.setStorageSync reports a failure by returning `{ success: false }` (limits: 200 KB per
 * key, 10 MB in all; https://opendocs.alipay.com/mini/api/cog0du); older runtimes throw.
 * Both count as "not saved", and callers decide what to keep in memory instead.
 */

export type StorageRead =
  /** `data` is null when nothing is stored under the key. */
  | { ok: true; data: unknown }
  /** Storage could not be read: the key may hold something, so do not write over it blindly. */
  | { ok: false };

export function readStorage(key: string): StorageRead {
  try {
    const result = my.getStorageSync({ key });
    return { ok: true, data: result && result.data !== undefined ? result.data : null };
  } catch {
    return { ok: false };
  }
}

/** True once storage has the value. */
export function writeStorage(key: string, data: unknown): boolean {
  try {
    const result = my.setStorageSync({ key, data }) as { success?: unknown } | undefined;
    return !(result && result.success === false);
  } catch {
    return false;
  }
}
