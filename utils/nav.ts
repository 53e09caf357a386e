/** Page routes (as registered in app.json) and moving between them. */
export const ROUTES = {
  home: 'pages/index/index',
  product: 'pages/product/product',
  cart: 'pages/cart/cart',
  result: 'pages/result/result',
  orders: 'pages/orders/orders',
  order: 'pages/order/order',
} as const;

export type Route = (typeof ROUTES)[keyof typeof ROUTES];

export function pageUrl(route: Route, query: Record<string, string | undefined> = {}): string {
  const pairs = Object.keys(query)
    .filter((key) => query[key] !== undefined)
    .map((key) => `${key}=${encodeURIComponent(query[key] as string)}`);
  return `/${route}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

/** The result page: `code` is my.tradePay's resultCode; without one the page just confirms. */
export function resultPageUrl(merchantReference: string, code?: string): string {
  return pageUrl(ROUTES.result, { ref: merchantReference, code });
}

export function orderPageUrl(merchantReference: string): string {
  return pageUrl(ROUTES.order, { ref: merchantReference });
}

/** A string parameter from onLoad's query (typed unknown by @mini-types), or null. */
export function readQuery(query: unknown, key: string): string | null {
  if (typeof query !== 'object' || query === null) return null;
  const value = (query as Record<string, unknown>)[key];
  if (typeof value !== 'string' || value === '') return null;
  if (value.indexOf('%') < 0) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** navigateTo, or redirectTo when the page stack (at most 10) is full. */
export function openPage(url: string): void {
  my.navigateTo({
    url,
    fail: () => {
      my.redirectTo({ url });
    },
  });
}

/** redirectTo: `url` takes the current page's place, so Back skips the page left (e.g. Pay after paying). */
export function replacePage(url: string): void {
  my.redirectTo({ url });
}

export function goHome(): void {
  my.reLaunch({ url: pageUrl(ROUTES.home) });
}

/** Back, or home when this page was the first one opened. */
export function backOrHome(): void {
  if (getCurrentPages().length > 1) my.navigateBack({ delta: 1 });
  else goHome();
}
