/**
 * A random v4-style UUID. Alipay's engine has no guaranteed crypto API, so this uses
 * Math.random: fine for idempotency keys and an opaque buyer id, not for secrets.
 */
export function randomUuid(random: () => number = Math.random): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(random() * 16) & 0xf;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
