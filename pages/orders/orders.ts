import type { Order } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { goHome, openPage, orderPageUrl } from '../../utils/nav';
import { appendPage, refreshFirstPage } from '../../utils/order-list';
import type { OrderList } from '../../utils/order-list';
import { toOrderView } from '../../utils/order-view';
import type { OrderView } from '../../utils/order-view';
import { noteOrderStatus } from '../../utils/paid-order';

// The signed-in shopper's orders, newest first, a page at a time: more load at the bottom (or
// with "Load more"). Pull down to reload the first page. Each shows its lines.

/** What the server says of each order (a paid one leaves the cart if the cart bought it), then the views. */
function viewsOf(orders: Order[]): OrderView[] {
  orders.forEach((order) => noteOrderStatus(order));
  return orders.map(toOrderView);
}

type TapEvent = { currentTarget?: { dataset?: Record<string, unknown> } };

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'empty' | 'error';
  orders: OrderView[];
  /** The cursor of the next (older) page; null when every order is shown. */
  nextBefore: string | null;
  loadingMore: boolean;
  errorText: string;
};
type ExtraThis = {
  api: ApiClient;
  shown: boolean;
  /** Changes whenever the list is replaced, so an older page asked for before is dropped. */
  listVersion: number;
};
type Methods = {
  load(keepOlder: boolean): Promise<void>;
  loadMore(): Promise<void>;
  onLoadMore(): Promise<void>;
  onRetry(): void;
  onOrderTap(event: TapEvent): void;
  onBackToShop(): void;
};

Page<Data, ExtraThis, Methods>({
  data: { s: strings(), state: 'loading', orders: [], nextBefore: null, loadingMore: false, errorText: '' },

  onLoad() {
    this.api = createApiClient();
    this.shown = false;
    this.listVersion = 0;
    my.setNavigationBar({ title: t('ordersTitle') });
    void this.load(false);
  },

  onShow() {
    // Coming back from an order, whose status may have changed: the first page again, keeping
    // the older pages the shopper has loaded. Only with a session: signing in (my.getAuthCode)
    // is not for onShow, which Alipay fires again whenever something covering the page closes.
    if (this.shown && this.api.isSignedIn()) void this.load(true);
    this.shown = true;
  },

  async onPullDownRefresh() {
    try {
      await this.load(false);
    } finally {
      my.stopPullDownRefresh();
    }
  },

  onReachBottom() {
    return this.loadMore();
  },

  /** The first load shows its failure in full; a failed refresh keeps the list shown and says why. */
  async load(keepOlder) {
    const loaded = this.data.state === 'ready' || this.data.state === 'empty';
    if (!loaded) this.setData({ state: 'loading', errorText: '' });
    const version = (this.listVersion += 1);
    try {
      const page = await this.api.listOrders();
      if (version !== this.listVersion) return; // a newer load has started
      const first: OrderList = { orders: viewsOf(page.orders), nextBefore: page.nextBefore };
      const shown: OrderList = { orders: this.data.orders, nextBefore: this.data.nextBefore };
      const list = keepOlder && loaded ? refreshFirstPage(shown, first) : first;
      this.listVersion += 1;
      this.setData({ ...list, state: list.orders.length > 0 ? 'ready' : 'empty', errorText: '' });
    } catch (error) {
      if (loaded) my.showToast({ content: describeError(error), type: 'fail' });
      else this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  /** The next older page, below the orders shown; a failure keeps them and says why. */
  async loadMore() {
    const { nextBefore, loadingMore, state } = this.data;
    if (nextBefore === null || loadingMore || state !== 'ready') return;
    this.setData({ loadingMore: true });
    const version = this.listVersion;
    try {
      const page = await this.api.listOrders(nextBefore);
      if (version !== this.listVersion) return;
      const shown: OrderList = { orders: this.data.orders, nextBefore };
      this.setData({ ...appendPage(shown, { orders: viewsOf(page.orders), nextBefore: page.nextBefore }) });
    } catch (error) {
      if (version === this.listVersion) my.showToast({ content: describeError(error), type: 'fail' });
    } finally {
      this.setData({ loadingMore: false });
    }
  },

  onLoadMore() {
    return this.loadMore();
  },

  onRetry() {
    void this.load(false);
  },

  onOrderTap(event) {
    const ref = event.currentTarget?.dataset?.ref;
    if (typeof ref === 'string' && ref !== '') openPage(orderPageUrl(ref));
  },

  onBackToShop() {
    goHome();
  },
});
