import type { Order } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { Checkout } from '../../utils/checkout';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { openPage, readQuery } from '../../utils/nav';
import { toOrderView } from '../../utils/order-view';
import type { OrderView } from '../../utils/order-view';
import { noteOrderStatus } from '../../utils/paid-order';
import { createPaymentStore } from '../../utils/payment-store';
import type { PaymentStore } from '../../utils/payment-store';

// One order: status, amount, refunds; refresh its status; pay while it is pending; buy again once expired.

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'error';
  ref: string;
  order: OrderView | null;
  errorText: string;
  canPay: boolean;
  payElsewhere: boolean;
  canBuyAgain: boolean;
  paying: boolean;
  refreshing: boolean;
};
type ExtraThis = { api: ApiClient; checkout: Checkout; payments: PaymentStore; shown: boolean; gone: boolean };
type Methods = {
  load(refresh: boolean): Promise<void>;
  showOrder(order: Order): void;
  onRetry(): void;
  onRefresh(): Promise<void>;
  onPay(): Promise<void>;
  onBuyAgain(): Promise<void>;
  pay(): Promise<void>;
};

Page<Data, ExtraThis, Methods>({
  data: {
    s: strings(),
    state: 'loading',
    ref: '',
    order: null,
    errorText: '',
    canPay: false,
    payElsewhere: false,
    canBuyAgain: false,
    paying: false,
    refreshing: false,
  },

  onLoad(query) {
    this.api = createApiClient();
    this.payments = createPaymentStore();
    this.checkout = new Checkout({ api: this.api, payments: this.payments });
    this.shown = false;
    this.gone = false;
    my.setNavigationBar({ title: t('orderTitle') });
    const ref = readQuery(query, 'ref');
    if (!ref) {
      this.setData({ state: 'error', errorText: t('errorNotFound') });
      return;
    }
    this.setData({ ref });
    void this.load(false);
  },

  onShow() {
    // Coming back from the result page: the status may have moved. Only with a session:
    // signing in (my.getAuthCode) is not for onShow, which fires again whenever a cover closes.
    if (this.shown && this.data.ref && !this.data.paying && this.api.isSignedIn()) void this.load(false);
    this.shown = true;
  },

  onUnload() {
    this.gone = true;
    this.checkout.abort();
  },

  async load(refresh) {
    if (!this.data.order) this.setData({ state: 'loading', errorText: '' });
    try {
      this.showOrder(await this.api.getOrder(this.data.ref, { refresh }));
    } catch (error) {
      if (this.data.order) my.showToast({ content: describeError(error), type: 'fail' });
      else this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  showOrder(order) {
    const pending = order.status === 'pending';
    const payable = pending && this.payments.load(order.merchantReference) !== null;
    // A failed order is kept: it may still turn paid, and buying the same again must find it.
    noteOrderStatus(order, this.payments);
    this.setData({
      state: 'ready',
      order: toOrderView(order),
      canPay: payable,
      payElsewhere: pending && !payable,
      canBuyAgain: order.status === 'expired',
      errorText: '',
    });
  },

  onRetry() {
    void this.load(false);
  },

  async onRefresh() {
    if (this.data.refreshing || this.data.paying) return;
    this.setData({ refreshing: true });
    await this.load(true);
    if (!this.gone) this.setData({ refreshing: false });
  },

  async onPay() {
    if (!this.data.canPay) return;
    await this.pay();
  },

  async onBuyAgain() {
    if (!this.data.canBuyAgain) return;
    await this.pay();
  },

  /** Pay again: the pending order itself, or for an expired one a new order for the same lines (utils/checkout.ts). */
  async pay() {
    if (this.data.paying) return;
    this.setData({ paying: true });
    const step = await this.checkout.payAgain(this.data.ref);
    if (step.kind === 'ignored' || this.gone) return;
    this.setData({ paying: false });
    if (step.kind === 'error') {
      my.showToast({ content: describeError(step.error), type: 'fail' });
      void this.load(false);
      return;
    }
    openPage(step.url);
  },
});
