import type { OrderStatus } from '../../contract';
import type { OrderViewRow } from './orders';
import type { Sql } from './sql';

/** Which orders the dashboard lists: every field optional. Times are ISO 8601 UTC. */
export interface OrderFilter {
  status: OrderStatus | null;
  /** Created at or after. */
  createdFrom: string | null;
  /** Created before. */
  createdBefore: string | null;
  /** A prefix of the merchant reference, of Latipay's order id or of the buyer id. */
  search: string | null;
}

export type DashboardOrderRow = OrderViewRow & { buyer_id: string | null };

export interface OrderTotals {
  count: number;
  paid_cents: number;
  refunded_cents: number;
}

/** The statuses of an order whose payment went through (a refund does not undo that). */
const PAID_STATUSES = "('paid', 'partially_refunded', 'refunded')";

const COLUMNS = `merchant_reference, status, amount_cents, currency, product_id, product_name, quantity, items,
  latipay_order_id, created_at, paid_at, refunded_cents, buyer_id`;

/**
 * The WHERE clause of a filter. A prefix is compared with substr rather than LIKE, which is
 * case-insensitive on SQLite and not on PostgreSQL, and takes `%` and `_` as wildcards.
 */
function where(filter: OrderFilter): { clause: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== null) {
    conditions.push('status = ?');
    params.push(filter.status);
  }
  if (filter.createdFrom !== null) {
    conditions.push('created_at >= ?');
    params.push(filter.createdFrom);
  }
  if (filter.createdBefore !== null) {
    conditions.push('created_at < ?');
    params.push(filter.createdBefore);
  }
  if (filter.search !== null) {
    const length = [...filter.search].length;
    conditions.push(
      `(substr(merchant_reference, 1, ?) = ? OR substr(COALESCE(latipay_order_id, ''), 1, ?) = ?
        OR substr(COALESCE(buyer_id, ''), 1, ?) = ?)`,
    );
    params.push(length, filter.search, length, filter.search, length, filter.search);
  }
  return { clause: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

export type DashboardStore = ReturnType<typeof createDashboardStore>;

/** The dashboard's reports; reads only. */
export function createDashboardStore(db: Sql) {
  return {
    /** A page of the filtered orders, newest first. */
    orders(filter: OrderFilter, limit: number, offset: number): Promise<DashboardOrderRow[]> {
      const { clause, params } = where(filter);
      return db.all(`SELECT ${COLUMNS} FROM orders ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, [...params, limit, offset]);
    },
    async totals(filter: OrderFilter): Promise<OrderTotals> {
      const { clause, params } = where(filter);
      const row = await db.get<OrderTotals>(
        `SELECT COUNT(*) AS count,
                COALESCE(SUM(CASE WHEN status IN ${PAID_STATUSES} THEN amount_cents ELSE 0 END), 0) AS paid_cents,
                COALESCE(SUM(refunded_cents), 0) AS refunded_cents
         FROM orders ${clause}`,
        params,
      );
      return { count: Number(row!.count), paid_cents: Number(row!.paid_cents), refunded_cents: Number(row!.refunded_cents) };
    },
    /**
     * Cents paid in each period between consecutive `bounds` (ISO instants, ascending), by the
     * time each order was paid. One statement for every period: the database sums, whatever
     * the number of orders.
     */
    async paidBetween(bounds: readonly string[]): Promise<number[]> {
      const periods = bounds.length - 1;
      const sums = Array.from(
        { length: periods },
        (_, i) => `COALESCE(SUM(CASE WHEN paid_at >= ? AND paid_at < ? THEN amount_cents ELSE 0 END), 0) AS p${i}`,
      );
      const params = Array.from({ length: periods }, (_, i) => [bounds[i], bounds[i + 1]]).flat();
      const row = await db.get<Record<string, number>>(
        `SELECT ${sums.join(', ')} FROM orders
         WHERE paid_at >= ? AND paid_at < ? AND status IN ${PAID_STATUSES}`,
        [...params, bounds[0], bounds[periods]],
      );
      return Array.from({ length: periods }, (_, i) => Number(row?.[`p${i}`] ?? 0));
    },
  };
}
