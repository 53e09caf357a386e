import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { goHome, openPage, orderPageUrl } from '../../utils/nav';
import { toOrderView } from '../../utils/order-view';
import type { OrderView } from '../../utils/order-view';

// The shopper's orders (found by the buyer id the api client sends), newest first. Pull down to refresh.

type TapEvent = { currentTarget?: { dataset?: Record<string, unknown> } };

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'empty' | 'error';
  orders: OrderView[];
  errorText: string;
};
type ExtraThis = { api: ApiClient };
type Methods = {
  load(): Promise<void>;
  onRetry(): void;
  onOrderTap(event: TapEvent): void;
  onBackToShop(): void;
};

Page<Data, ExtraThis, Methods>({
  data: { s: strings(), state: 'loading', orders: [], errorText: '' },

  onLoad() {
    this.api = createApiClient();
    my.setNavigationBar({ title: t('ordersTitle') });
  },

  onShow() {
    // Also on coming back from an order, whose status may have changed.
    void this.load();
  },

  async onPullDownRefresh() {
    try {
      await this.load();
    } finally {
      my.stopPullDownRefresh();
    }
  },

  /** The first load shows its failure in full; a failed refresh keeps the list shown and says why. */
  async load() {
    const loaded = this.data.state === 'ready' || this.data.state === 'empty';
    if (!loaded) this.setData({ state: 'loading', errorText: '' });
    try {
      const orders = await this.api.listOrders();
      const sorted = orders.slice().sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      this.setData({ orders: sorted.map(toOrderView), state: sorted.length > 0 ? 'ready' : 'empty', errorText: '' });
    } catch (error) {
      if (loaded) my.showToast({ content: describeError(error), type: 'fail' });
      else this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  onRetry() {
    void this.load();
  },

  onOrderTap(event) {
    const ref = event.currentTarget?.dataset?.ref;
    if (typeof ref === 'string' && ref !== '') openPage(orderPageUrl(ref));
  },

  onBackToShop() {
    goHome();
  },
});
