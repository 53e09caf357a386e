import { createHmac, randomBytes } from 'node:crypto';

/** Who a code stands for: an open_id (apps created since 2023) or a 2088… user_id (older apps). */
export type Buyer = { open_id: string } | { user_id: string };

/** Not a secret: it only makes the stable ids look like Alipay's instead of like the names. */
const STABLE_ID_KEY = 'alipay-sandbox/stable-buyer-ids/v1';
const NAME = /^[\x21-\x7e]{1,64}$/;
/** Alipay's codes are 32 hex digits today; the stand-in takes any visible ASCII up to 128. */
const ONE_TIME_CODE = /^[\x21-\x7e]{1,128}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text;
}

/** Shaped like Alipay's: 47 letters and digits, starting with 0. */
function openIdFrom(bytes: Buffer): string {
  return `0${base62(bytes).padStart(46, '0').slice(0, 46)}`;
}

function stableBytes(kind: string, appId: string, name: string): Buffer {
  return createHmac('sha512', STABLE_ID_KEY).update(`${kind}\n${appId}\n${name}`).digest();
}

/**
 * The stand-in's buyers. `sandbox:<name>` always gives the same open_id and
 * `sandbox-user-id:<name>` the same 16-digit user_id (for one app id, across restarts). Any
 * other code gives a new buyer once and is then used up, as Alipay's one-time codes are; the
 * used ones are remembered in memory, the oldest forgotten past `maxUsedCodes`.
 */
export class SandboxBuyers {
  private readonly usedCodes = new Set<string>();

  constructor(
    private readonly appId: string,
    private readonly maxUsedCodes: number,
  ) {}

  /** The buyer for this code, or undefined for an invalid or used code. */
  exchange(code: string): Buyer | undefined {
    if (code.startsWith('sandbox-user-id:')) {
      const name = code.slice('sandbox-user-id:'.length);
      if (!NAME.test(name)) return undefined;
      const digits = BigInt(`0x${stableBytes('user_id', this.appId, name).toString('hex')}`) % 10n ** 12n;
      return { user_id: `2088${digits.toString().padStart(12, '0')}` };
    }
    if (code.startsWith('sandbox:')) {
      const name = code.slice('sandbox:'.length);
      return NAME.test(name) ? { open_id: openIdFrom(stableBytes('open_id', this.appId, name)) } : undefined;
    }
    if (!ONE_TIME_CODE.test(code) || this.usedCodes.has(code)) return undefined;
    this.rememberUsed(code);
    return { open_id: openIdFrom(randomBytes(64)) };
  }

  private rememberUsed(code: string): void {
    if (this.usedCodes.size >= this.maxUsedCodes) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.usedCodes.values().next().value;
      if (oldest !== undefined) this.usedCodes.delete(oldest);
    }
    this.usedCodes.add(code);
  }
}
