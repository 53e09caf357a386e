/** Storage that never throws: a full or broken storage must not break a payment. */
export function readStorage(key: string): unknown {
  try {
    const result = my.getStorageSync({ key });
    return result && result.data !== undefined ? result.data : null;
  } catch {
    return null;
  }
}

export function writeStorage(key: string, data: unknown): boolean {
  try {
    my.setStorageSync({ key, data });
    return true;
  } catch {
    return false;
  }
}
