import { tradePay } from './payment';
import type { Pay } from './payment';
import { paySandbox } from './sandbox-cashier';
import type { SettleSandboxOrder } from './sandbox-cashier';

/**
 * The payment step as the create-order answer's `mode` says: the sandbox cashier only for
 * a backend that says `sandbox`; anything else is paid at Alipay's cashier (my.tradePay).
 */
export function payByMode(settle: SettleSandboxOrder): Pay {
  return (orderStr, created) =>
    created.mode === 'sandbox' ? paySandbox(created.order.merchantReference, settle) : tradePay(orderStr);
}
