import type { Order } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { Checkout } from '../../utils/checkout';
import { confirmPayment } from '../../utils/confirm';
import type { ConfirmHandle, Confirmation } from '../../utils/confirm';
import { describeError } from '../../utils/error-text';
import { localized, strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { formatMoney } from '../../utils/money';
import { isPaidStatus } from '../../utils/order-status';
import { noteOrderStatus } from '../../utils/paid-order';
import { mapResultCode } from '../../utils/result-code';
import { ROUTES, backOrHome, goHome, openPage, orderPageUrl, pageUrl, readQuery, replacePage } from '../../utils/nav';

/**
 * After the cashier: `?ref=<merchantReference>&code=<resultCode>`; without `code` it only
 * confirms. "Paid" is said only once the server says so.
 *
 * confirming → paid | unconfirmed (also when the server says failed: a cashier that answered
 * 9000/8000/6004 may have taken money, so no "pay again" there) | expired (past the cashier's
 * timeout: buy again, a new order); failure (the cashier said no payment happened) → (pay
 * again) another result page.
 */

type State = 'confirming' | 'paid' | 'failure' | 'unconfirmed' | 'expired' | 'invalid';
type ResultType = 'success' | 'error' | 'info' | 'warning' | 'wait';

const RESULT_TYPES: Record<State, ResultType> = {
  confirming: 'wait',
  paid: 'success',
  failure: 'error',
  unconfirmed: 'info',
  expired: 'warning',
  invalid: 'warning',
};

type Data = {
  s: Strings;
  state: State;
  resultType: ResultType;
  ref: string;
  title: string;
  message: string;
  productName: string;
  amountText: string;
  canPayAgain: boolean;
  paying: boolean;
};
type ExtraThis = { api: ApiClient; checkout: Checkout; poll: ConfirmHandle | null; gone: boolean };
type Methods = {
  show(state: State, title: string, message: string, extra?: Partial<Data>): void;
  startConfirming(): void;
  applyConfirmation(confirmation: Confirmation): void;
  showPaid(order: Order): void;
  checkInBackground(): Promise<void>;
  onPayAgain(): Promise<void>;
  onCheckAgain(): void;
  onViewOrder(): void;
  onMyOrders(): void;
  onBackToShop(): void;
  onBack(): void;
};

Page<Data, ExtraThis, Methods>({
  data: {
    s: strings(),
    state: 'confirming',
    resultType: 'wait',
    ref: '',
    title: '',
    message: '',
    productName: '',
    amountText: '',
    canPayAgain: false,
    paying: false,
  },

  onLoad(query) {
    this.api = createApiClient();
    this.checkout = new Checkout({ api: this.api });
    this.poll = null;
    this.gone = false;
    my.setNavigationBar({ title: t('resultTitle') });

    const ref = readQuery(query, 'ref');
    if (!ref) {
      this.show('invalid', t('failureTitle'), t('missingOrderMessage'));
      return;
    }
    this.setData({ ref });
    const code = readQuery(query, 'code');
    if (code === null) {
      this.startConfirming();
      return;
    }
    const mapped = mapResultCode(code);
    if (mapped.outcome === 'success' || mapped.outcome === 'processing') {
      this.startConfirming();
    } else {
      this.show('failure', t('failureTitle'), localized(mapped.message), { canPayAgain: true });
      // A network error or odd failure may still hide a payment: ask once, quietly.
      void this.checkInBackground();
    }
  },

  onUnload() {
    this.gone = true;
    if (this.poll) this.poll.cancel();
    this.poll = null;
    this.checkout.abort();
  },

  show(state, title, message, extra = {}) {
    this.setData({ ...extra, state, resultType: RESULT_TYPES[state], title, message });
  },

  startConfirming() {
    if (this.poll) this.poll.cancel();
    this.show('confirming', t('confirmingTitle'), t('confirmingMessage'));
    const poll = confirmPayment(this.data.ref, {
      getOrder: (ref, timeoutMs) => this.api.getOrder(ref, { refresh: true, timeoutMs }),
    });
    this.poll = poll;
    void poll.promise.then((confirmation) => {
      if (this.poll === poll) this.poll = null;
      this.applyConfirmation(confirmation);
    });
  },

  applyConfirmation(confirmation) {
    if (this.gone) return;
    switch (confirmation.kind) {
      case 'paid':
        this.showPaid(confirmation.order);
        break;
      case 'failed':
        this.show('unconfirmed', t('notConfirmedTitle'), t('notConfirmedMessage'));
        break;
      case 'unconfirmed':
        this.show('unconfirmed', t('unconfirmedTitle'), t('unconfirmedMessage'));
        break;
      case 'expired':
        this.show('expired', t('expiredTitle'), t('expiredMessage'));
        break;
      default:
        break;
    }
  },

  showPaid(order) {
    noteOrderStatus(order);
    const amountText = formatMoney(order.amount, order.currency);
    this.show('paid', t('paidTitle'), t('paidMessage', { amount: amountText }), { amountText, productName: order.productName });
  },

  async checkInBackground() {
    try {
      const order = await this.api.getOrder(this.data.ref, { refresh: true });
      if (!this.gone && this.data.state === 'failure' && !this.data.paying && isPaidStatus(order.status)) {
        this.showPaid(order);
      }
    } catch {
      // The failure stays on screen; paying again asks the server first anyway.
    }
  },

  async onPayAgain() {
    if (this.data.paying || !this.data.ref) return;
    this.setData({ paying: true });
    const step = await this.checkout.payAgain(this.data.ref);
    if (step.kind === 'ignored' || this.gone) return;
    this.setData({ paying: false });
    if (step.kind === 'error') {
      my.showToast({ content: describeError(step.error), type: 'fail' });
      return;
    }
    replacePage(step.url);
  },

  onCheckAgain() {
    this.startConfirming();
  },

  onViewOrder() {
    openPage(orderPageUrl(this.data.ref));
  },

  onMyOrders() {
    openPage(pageUrl(ROUTES.orders));
  },

  onBackToShop() {
    goHome();
  },

  onBack() {
    backOrHome();
  },
});
