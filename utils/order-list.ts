import type { OrderView } from './order-view';

/** What My orders shows: orders newest first, and the cursor of the next (older) page, null at the end. */
export interface OrderList {
  orders: OrderView[];
  nextBefore: string | null;
}

/** An older page added below the orders shown, without any shown already. */
export function appendPage(shown: OrderList, page: OrderList): OrderList {
  const refs = refsOf(shown.orders);
  return { orders: shown.orders.concat(page.orders.filter((o) => !refs.has(o.ref))), nextBefore: page.nextBefore };
}

/**
 * The first page fetched again, with the older orders already shown kept below it (the
 * shopper may have loaded several pages). When the new first page does not reach the orders
 * shown (many new orders), keeping them would leave a gap: the first page alone is shown.
 */
export function refreshFirstPage(shown: OrderList, first: OrderList): OrderList {
  const refs = refsOf(first.orders);
  const older = shown.orders.filter((o) => !refs.has(o.ref));
  const reaches = first.nextBefore === null || older.length < shown.orders.length;
  if (older.length === 0 || !reaches) return first;
  return { orders: first.orders.concat(older), nextBefore: shown.nextBefore };
}

function refsOf(orders: OrderView[]): Set<string> {
  return new Set(orders.map((o) => o.ref));
}
