import type { OrderStatus } from '../../contract';
import type { AppContext } from '../context';
import { addDays, localDate, parseDate, startOfLocalDay } from './dashboard-time';
import { createDashboardStore, type OrderFilter } from '../store/dashboard';
import { toOrder } from './order-view';

export const PAGE_SIZE = 20;
export const CHART_DAYS = 30;

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'creating', 'create_failed', 'pending', 'paid', 'failed', 'partially_refunded', 'refunded', 'expired',
];

/** The orders page's query string as sent (each value a string, or absent). */
export interface OrdersQuery {
  status?: string;
  from?: string;
  to?: string;
  q?: string;
  page?: string;
}

export interface OrderListRow {
  merchantReference: string;
  createdAt: string;
  /** "Flat white ×2, Tea ×1". */
  products: string;
  amountCents: number;
  currency: string;
  status: OrderStatus;
  refundedCents: number;
}

export interface OrdersPage {
  /** The filter as understood, to fill the form again. */
  form: { status: string; from: string; to: string; q: string };
  /** Values that were not understood and so not applied. */
  ignored: string[];
  rows: OrderListRow[];
  totals: { count: number; paidCents: number; refundedCents: number };
  page: number;
  pages: number;
  /** Paid per local day over the last CHART_DAYS days, oldest first. */
  paidPerDay: { date: string; cents: number }[];
}

const one = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

function productsOf(row: Parameters<typeof toOrder>[0]): string {
  return toOrder(row, []).items.map((item) => (item.quantity > 1 ? `${item.name} ×${item.quantity}` : item.name)).join(', ');
}

/** What the query string asks for; values that do not parse are named in `ignored`. */
function readFilter(query: OrdersQuery, timeZone: string): { filter: OrderFilter; form: OrdersPage['form']; ignored: string[] } {
  const ignored: string[] = [];
  const status = one(query.status);
  const known = (ORDER_STATUSES as readonly string[]).includes(status) ? (status as OrderStatus) : null;
  if (status !== '' && known === null) ignored.push(status);
  const date = (raw: string): string | null => {
    if (raw === '') return null;
    const parsed = parseDate(raw);
    if (parsed === null) ignored.push(raw);
    return parsed;
  };
  const from = date(one(query.from));
  const to = date(one(query.to));
  const search = one(query.q).slice(0, 200);
  return {
    filter: {
      status: known,
      createdFrom: from === null ? null : startOfLocalDay(from, timeZone),
      createdBefore: to === null ? null : startOfLocalDay(addDays(to, 1), timeZone),
      search: search === '' ? null : search,
    },
    form: { status: known ?? '', from: from ?? '', to: to ?? '', q: search },
    ignored,
  };
}

/** The last `days` local days, oldest first, ending today. */
function lastDays(days: number, timeZone: string, now: number): string[] {
  const today = localDate(now, timeZone);
  return Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
}

/**
 * The orders page: a page of the filtered orders (newest first), the totals of the whole
 * filtered set, and what was paid on each of the last 30 days in DASHBOARD_TIME_ZONE.
 */
export async function listDashboardOrders(ctx: AppContext, query: OrdersQuery, now = Date.now()): Promise<OrdersPage> {
  const { timeZone } = ctx.config.dashboard;
  const store = createDashboardStore(ctx.storage.sql);
  const { filter, form, ignored } = readFilter(query, timeZone);
  const days = lastDays(CHART_DAYS, timeZone, now);
  const bounds = [...days, addDays(days[days.length - 1], 1)].map((day) => startOfLocalDay(day, timeZone));
  const [totals, paid] = await Promise.all([store.totals(filter), store.paidBetween(bounds)]);
  const pages = Math.max(1, Math.ceil(totals.count / PAGE_SIZE));
  const asked = Number(one(query.page));
  const page = Number.isSafeInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  const rows = await store.orders(filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  return {
    form,
    ignored,
    rows: rows.map((row) => ({
      merchantReference: row.merchant_reference,
      createdAt: row.created_at,
      products: productsOf(row),
      amountCents: row.amount_cents,
      currency: row.currency,
      status: row.status,
      refundedCents: row.refunded_cents,
    })),
    totals: { count: totals.count, paidCents: totals.paid_cents, refundedCents: totals.refunded_cents },
    page,
    pages,
    paidPerDay: days.map((date, i) => ({ date, cents: paid[i] })),
  };
}
