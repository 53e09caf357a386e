import type { FastifyInstance } from 'fastify';
import { parseCompleteInput } from '../control-input';
import { sendControlError } from '../http-errors';
import { orderView } from '../orders';
import { canComplete } from '../order-transitions';
import type { SandboxState } from '../state';
import { CONTROL_BODY_LIMIT } from './limits';

type ReferenceParams = { merchant_reference: string };

/** Control API: complete an order the way a shopper would, and inspect orders. */
export function registerControlOrders(app: FastifyInstance, state: SandboxState): void {
  app.post<{ Params: ReferenceParams }>(
    '/sandbox/orders/:merchant_reference/complete',
    { bodyLimit: CONTROL_BODY_LIMIT },
    async (request, reply) => {
      const input = parseCompleteInput(request.body);
      if (!input.ok) return sendControlError(reply, 400, 'invalid_request', input.message);
      const reference = request.params.merchant_reference;
      const order = state.orders.findByReference(reference);
      if (!order) return sendControlError(reply, 404, 'not_found', `no order with merchant_reference ${reference}`);
      const { status, notification, delayMs } = input.value;
      if (!canComplete(order.status, status)) {
        return sendControlError(
          reply,
          409,
          'invalid_transition',
          `order ${reference} is ${order.status} and cannot become ${status} (pending -> paid|failed|canceled, failed|canceled -> paid)`,
        );
      }
      // The new state and the delivery it owes are kept together, or not at all.
      const completed = state.store.transaction(() => {
        const updated = state.orders.complete(order.orderId, status, status === 'paid' ? new Date() : order.payTime);
        state.notifier.notify(updated, notification, delayMs);
        return updated;
      });
      return { order: orderView(completed) };
    },
  );

  app.get<{ Params: ReferenceParams }>('/sandbox/orders/:merchant_reference', async (request, reply) => {
    const reference = request.params.merchant_reference;
    const order = state.orders.findByReference(reference);
    if (!order) return sendControlError(reply, 404, 'not_found', `no order with merchant_reference ${reference}`);
    return { order: orderView(order) };
  });

  app.get('/sandbox/orders', async () => ({ orders: state.orders.all().map(orderView) }));

  app.get('/sandbox/stats', async () => ({ calls: { ...state.calls } }));
}
