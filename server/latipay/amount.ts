/** Money inside is integer minor units (cents); on the wire it is a 2-decimal string. */

const AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/**
 * Parses a positive decimal amount with at most 2 decimals ("12", "12.3", "12.30") into
 * cents. Returns null for anything else: negative, zero, more decimals, exponents, spaces.
 */
export function parseAmount(input: unknown): number | null {
  if (typeof input !== 'string' || !AMOUNT_PATTERN.test(input)) return null;
  const [whole, fraction = ''] = input.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return cents > 0 && Number.isSafeInteger(cents) ? cents : null;
}

/** Like parseAmount but requires exactly two decimals, as Latipay writes amounts ("120.00"). */
export function parseWireAmount(input: unknown): number | null {
  return typeof input === 'string' && /\.\d{2}$/.test(input) ? parseAmount(input) : null;
}

/** Formats integer cents as a 2-decimal string: 1234 -> "12.34". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not a cent amount: ${cents}`);
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}
