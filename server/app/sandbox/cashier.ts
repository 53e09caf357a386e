import type { FastifyBaseLogger } from 'fastify';
import type { SandboxCashierAction, SandboxSettleResponse } from '../../contract';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { ownOrder } from '../services/read-orders';
import { viewOrder } from '../services/order-view';
import type { Completion, ControlResult, SandboxControl } from './control';

export interface CashierOutcome {
  /** What happens at the sandbox; null: nothing (the shopper left without paying). */
  completion: Completion | null;
  /** What my.tradePay would answer the mini app. */
  resultCode: string;
}

/**
 * The sandbox cashier's actions, each what a real Alipay cashier would do and answer:
 * - pay: paid, notification delivered at once → 9000
 * - cancel: nothing happens → 6001
 * - fail: failed, notification delivered → 4000
 * - processing: paid, notification delayed (SANDBOX_RETRY_MS) → 8000
 * - network_error: nothing happens → 6002
 * - unknown: paid, notification dropped → 6004 (the server learns it by asking Latipay)
 */
export const SANDBOX_CASHIER: Readonly<Record<SandboxCashierAction, CashierOutcome>> = {
  pay: { completion: { status: 'paid', notification: 'deliver' }, resultCode: '9000' },
  cancel: { completion: null, resultCode: '6001' },
  fail: { completion: { status: 'failed', notification: 'deliver' }, resultCode: '4000' },
  processing: { completion: { status: 'paid', notification: 'delay' }, resultCode: '8000' },
  network_error: { completion: null, resultCode: '6002' },
  unknown: { completion: { status: 'paid', notification: 'drop' }, resultCode: '6004' },
};

function controlFailure(result: Exclude<ControlResult, { ok: true }>): HttpError {
  switch (result.kind) {
    case 'unreachable':
      return new HttpError(503, 'latipay_unavailable', 'the sandbox could not be reached to settle the order');
    case 'timeout':
      return new HttpError(504, 'latipay_timeout', 'the sandbox did not answer in time to settle the order');
    case 'refused':
      if (result.code === 'invalid_transition') {
        return new HttpError(409, 'order_not_pending', `the sandbox has already settled this order: ${result.message}`);
      }
      if (result.code === 'not_found') {
        return new HttpError(502, 'latipay_error', 'the sandbox does not know this order; start a new order');
      }
      return new HttpError(502, 'latipay_error', `the sandbox refused to settle the order: ${result.message}`);
  }
}

/**
 * The shopper's pick at the sandbox cashier: a pending order is paid or failed at the sandbox
 * through its control API, as a real cashier would, and the mini app gets the result code
 * my.tradePay would have answered.
 */
export async function payAtSandboxCashier(
  ctx: AppContext,
  control: SandboxControl,
  buyerId: string,
  merchantReference: string,
  action: SandboxCashierAction,
  log: FastifyBaseLogger,
): Promise<SandboxSettleResponse> {
  const order = await ownOrder(ctx, buyerId, merchantReference);
  if (order.status !== 'pending') {
    throw new HttpError(409, 'order_not_pending', `the order is ${order.status}; only a pending order can be paid at the sandbox cashier`);
  }
  const { completion, resultCode } = SANDBOX_CASHIER[action];
  if (completion) {
    const result = await control.complete(merchantReference, completion);
    if (!result.ok) throw controlFailure(result);
  }
  log.info({ merchantReference, action, resultCode }, 'sandbox cashier');
  return { resultCode, order: await viewOrder(ctx.storage, (await ctx.storage.orders.get(merchantReference))!) };
}
