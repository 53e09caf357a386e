import type { SandboxCashierAction, SandboxSettleResponse } from '../server/contract';
import { t } from './i18n';
import type { StringKey } from './i18n';
import { PaymentError } from './payment';
import type { TradePayResult } from './payment';

/**
 * The sandbox cashier: Alipay's cashier cannot pay an order of the Latipay sandbox, so when
 * the backend runs on the sandbox the shopper (a developer, QA) picks what the cashier does,
 * the backend settles the order in the sandbox and answers the code my.tradePay would have.
 */

/** The action sheet's items, in order. */
export const SANDBOX_ACTIONS: readonly SandboxCashierAction[] = ['pay', 'cancel', 'fail', 'processing', 'network_error', 'unknown'];

const LABELS: Record<SandboxCashierAction, StringKey> = {
  pay: 'sandboxPay',
  cancel: 'sandboxCancel',
  fail: 'sandboxFail',
  processing: 'sandboxProcessing',
  network_error: 'sandboxNetworkError',
  unknown: 'sandboxUnknown',
};

/** Closing the sheet without a choice is leaving the cashier: "cancelled". */
export const SHEET_DISMISSED_CODE = '6001';

export type SettleSandboxOrder = (merchantReference: string, action: SandboxCashierAction) => Promise<SandboxSettleResponse>;

/** my.showActionSheet as a promise: the chosen action, or null when the sheet was dismissed. */
export function chooseSandboxAction(): Promise<SandboxCashierAction | null> {
  return new Promise((resolve, reject) => {
    my.showActionSheet({
      title: t('sandboxCashierTitle'),
      items: SANDBOX_ACTIONS.map((action) => t(LABELS[action])),
      cancelButtonText: t('sandboxClose'),
      success: (res) => {
        const index = res ? res.index : -1;
        resolve(typeof index === 'number' && index >= 0 && index < SANDBOX_ACTIONS.length ? SANDBOX_ACTIONS[index] : null);
      },
      fail: (err) => {
        reject(new PaymentError('sandbox_cashier_failed', (err && err.errorMessage) || 'my.showActionSheet failed'));
      },
    });
  });
}

/** The sandbox cashier in place of my.tradePay: same result codes, same meaning. */
export async function paySandbox(merchantReference: string, settle: SettleSandboxOrder): Promise<TradePayResult> {
  const action = await chooseSandboxAction();
  if (action === null) return { resultCode: SHEET_DISMISSED_CODE };
  let answer: SandboxSettleResponse;
  try {
    answer = await settle(merchantReference, action);
  } catch (error) {
    // Like a cashier that could not run: the result page asks the server what happened.
    throw new PaymentError('sandbox_cashier_failed', `the sandbox cashier could not ${action}: ${String(error)}`);
  }
  return { resultCode: answer.resultCode };
}
