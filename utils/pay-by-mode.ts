import type { PaymentMode } from '../server/contract';
import { currentEnvVersion } from './env-version';
import { PaymentError, tradePay } from './payment';
import type { Pay } from './payment';
import { paySandbox } from './sandbox-cashier';
import type { SettleSandboxOrder } from './sandbox-cashier';

/**
 * A sandbox order moves no real money, so a release build never pays one, whatever the
 * backend says: a release pointed at a sandbox backend is a misconfiguration.
 */
export function isSandboxBlocked(mode: PaymentMode): boolean {
  return mode === 'sandbox' && currentEnvVersion() === 'release';
}

/**
 * The payment step as the create-order answer's `mode` says: the sandbox cashier only for
 * a backend that says `sandbox`, and never in a release build; anything else is paid at
 * Alipay's cashier (my.tradePay).
 */
export function payByMode(settle: SettleSandboxOrder): Pay {
  return (orderStr, created) => {
    if (created.mode !== 'sandbox') return tradePay(orderStr);
    if (isSandboxBlocked(created.mode)) {
      return Promise.reject(new PaymentError('sandbox_in_release', 'a release build never pays a sandbox order'));
    }
    return paySandbox(created.order.merchantReference, settle);
  };
}
