import type { FastifyPluginAsync } from 'fastify';
import { listDashboardOrders, ORDER_STATUSES, type OrdersQuery } from '../../services/dashboard-orders';
import { paidPerDayChart } from '../chart';
import type { Dashboard } from '../plugin';
import { DASHBOARD_PATH, requireSession } from '../session';

/** The orders page's URL for a filter and a page. */
function pageUrl(form: Record<string, string>, page: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== '') params.set(name, value);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `${DASHBOARD_PATH}/orders${query === '' ? '' : `?${query}`}`;
}

/** The orders: filtered, paged, with their totals and the paid-per-day chart. */
export function orderListRoutes({ ctx, render }: Dashboard): FastifyPluginAsync {
  return async (app) => {
    app.get('/orders', { preHandler: requireSession }, async (request, reply) => {
      const result = await listDashboardOrders(ctx, request.query as OrdersQuery);
      const { page, pages, form } = result;
      return render(request, reply, 'orders', {
        ...result,
        nav: 'orders',
        statuses: ORDER_STATUSES,
        currency: ctx.config.currency,
        chart: paidPerDayChart(result.paidPerDay),
        newer: page > 1 ? pageUrl(form, page - 1) : null,
        older: page < pages ? pageUrl(form, page + 1) : null,
      });
    });
  };
}
