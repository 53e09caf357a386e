/** Latipay requests are a few hundred bytes; anything near this is a mistake or an attack. */
export const LATIPAY_BODY_LIMIT = 64 * 1024;
export const CONTROL_BODY_LIMIT = 16 * 1024;
