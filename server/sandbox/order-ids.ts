import { randomInt } from 'node:crypto';

const DAY_MS = 86_400_000;

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The greatest id already issued that starts with `prefix` ("S" + date), if any. */
export type LastIssuedId = (prefix: string) => string | undefined;

/**
 * Latipay-like order ids: "S" + UTC date + 8 digits. The digits start from the milliseconds
 * since UTC midnight and only ever grow, and on each new day they start after the last id the
 * store already holds for that day, so an id never repeats, also after a restart on the same
 * database or with a clock that went back.
 */
export class OrderIdGenerator {
  private lastDay = '';
  private lastSequence = -1;

  constructor(private readonly lastIssued: LastIssuedId = () => undefined) {}

  next(now: Date = new Date()): string {
    const day = yyyymmdd(now);
    if (day !== this.lastDay) {
      this.lastDay = day;
      const lastSequence = Number(this.lastIssued(`S${day}`)?.slice(1 + day.length));
      this.lastSequence = Number.isSafeInteger(lastSequence) ? lastSequence : -1;
    }
    const sinceMidnight = now.getTime() % DAY_MS;
    this.lastSequence = Math.max(this.lastSequence + 1, sinceMidnight);
    if (this.lastSequence > 99_999_999) throw new Error('order id sequence exhausted for today');
    return `S${day}${String(this.lastSequence).padStart(8, '0')}`;
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Alipay-side order id shown in paydata, e.g. "EbrZiWAkZ2". */
export function customerOrderId(): string {
  let id = '';
  for (let i = 0; i < 10; i += 1) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}
