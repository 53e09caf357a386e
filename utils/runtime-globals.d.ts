/**
 * Globals that Alipay's JS engine provides but @mini-types/alipay does not declare.
 * Only the mini app project (root tsconfig.json) sees this file; the tests project gets the
 * same names from @types/node, so code must not depend on the handle type (use
 * ReturnType<typeof setTimeout>).
 */
declare function setTimeout(handler: () => void, timeout?: number): number;
declare function clearTimeout(handle: number | undefined): void;
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
