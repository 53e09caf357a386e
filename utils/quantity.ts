/** The most of one product an order (and so a cart line) can have. */
export const MAX_QUANTITY = 99;

/**
 * The quantity a stepper reports, within 1–99 (the stepper clamps what is typed too), or null
 * while its input is empty or not a whole number: Pay waits for a real quantity, never a
 * quantity the shopper did not enter.
 */
export function quantityFrom(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isInteger(value)) return null;
  return Math.min(Math.max(value, 1), MAX_QUANTITY);
}
