import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { formatCents } from '../../../latipay/amount';
import { OrderParams } from '../../http/schemas';
import { dashboardOrder } from '../../services/dashboard-order';
import type { Dashboard } from '../plugin';
import { DASHBOARD_PATH, requireSession } from '../session';

/** Notices a redirect may ask the order's page to show. */
const NOTICES = new Set(['refunded', 'resolved']);

/** What the refund form shows again after it was refused: the values sent and what was wrong. */
export interface RefundFormState {
  amount: string;
  reason: string;
  /** A dashboard string key and its values, or a service's own message. */
  error: { key: string; vars?: Record<string, string | number> } | { message: string } | null;
}

/** Renders an order's page, with the refund form as given (or its defaults). */
export async function renderOrder(
  { ctx, render }: Dashboard,
  request: FastifyRequest,
  reply: FastifyReply,
  merchantReference: string,
  refundForm: RefundFormState | null = null,
  status = 200,
): Promise<FastifyReply> {
  const order = await dashboardOrder(ctx, merchantReference);
  const notice = (request.query as Record<string, unknown> | undefined)?.notice;
  const form: RefundFormState = refundForm ?? { amount: formatCents(order.leftCents), reason: '', error: null };
  return render(
    request,
    reply,
    'order',
    {
      order,
      nav: 'orders',
      refundForm: form,
      notice: typeof notice === 'string' && NOTICES.has(notice) ? notice : null,
      held: order.refunds.filter((refund) => refund.status === 'unknown'),
    },
    // After a refused form, the language switch leads to the order's page.
    { status, switchTo: request.method === 'GET' ? undefined : `${DASHBOARD_PATH}/orders/${encodeURIComponent(merchantReference)}` },
  );
}

export function orderRoutes(dashboard: Dashboard): FastifyPluginAsync {
  return async (app) => {
    app.get('/orders/:merchantReference', { preHandler: requireSession, schema: { params: OrderParams } }, async (request, reply) =>
      renderOrder(dashboard, request, reply, (request.params as { merchantReference: string }).merchantReference),
    );
  };
}
