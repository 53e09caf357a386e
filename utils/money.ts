// Amounts are 2-decimal strings on the wire and integer cents in arithmetic: never a float.

const WIRE_AMOUNT = /^(\d{1,10})\.(\d{2})$/;

const SYMBOLS: Record<string, string> = { CNY: '¥', NZD: 'NZ$', AUD: 'A$', USD: 'US$' };

export function parseCents(amount: string): number | null {
  const match = WIRE_AMOUNT.exec(amount);
  return match ? Number(match[1]) * 100 + Number(match[2]) : null;
}

export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/** price × quantity as a wire amount; null for a bad price or quantity. */
export function multiplyAmount(price: string, quantity: number): string | null {
  const cents = parseCents(price);
  if (cents === null || !Number.isInteger(quantity) || quantity < 0) return null;
  return formatCents(cents * quantity);
}

/** "NZ$12.34"; an unknown currency reads "XYZ 12.34". */
export function formatMoney(amount: string, currency: string): string {
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${amount}` : `${currency} ${amount}`.trim();
}
