import type { SandboxCashierAction } from '../contract';
import { badRequest } from './errors';
import type { Completion } from './sandbox-control';

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

export const SANDBOX_CASHIER_ACTIONS = Object.keys(SANDBOX_CASHIER) as SandboxCashierAction[];

function isAction(value: unknown): value is SandboxCashierAction {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_CASHIER, value);
}

/** Body of POST /api/sandbox/orders/{ref}/settle: `{"action": "..."}` and nothing else. */
export function parseSettleBody(body: unknown): SandboxCashierAction {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  const extra = Object.keys(body).filter((key) => key !== 'action');
  if (extra.length > 0) throw badRequest(`unknown field(s): ${extra.join(', ')}`);
  const { action } = body as { action?: unknown };
  if (!isAction(action)) throw badRequest(`action must be one of ${SANDBOX_CASHIER_ACTIONS.join(', ')}`);
  return action;
}
