import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { ROUTES, openPage, pageUrl } from '../../utils/nav';

// The catalogue (home page). Pull down to refresh it.

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'empty' | 'error';
  products: Product[];
  errorText: string;
};
type ExtraThis = { api: ApiClient };
type Methods = {
  load(): Promise<void>;
  onRetry(): void;
  onProductSelect(productId: string): void;
  onMyOrders(): void;
};

Page<Data, ExtraThis, Methods>({
  data: { s: strings(), state: 'loading', products: [], errorText: '' },

  onLoad() {
    this.api = createApiClient();
    my.setNavigationBar({ title: t('shopTitle') });
    void this.load();
  },

  async onPullDownRefresh() {
    try {
      await this.load();
    } finally {
      my.stopPullDownRefresh();
    }
  },

  /** The first load shows its failure in full; a failed refresh keeps the products shown and says why. */
  async load() {
    const loaded = this.data.state === 'ready' || this.data.state === 'empty';
    if (!loaded) this.setData({ state: 'loading', errorText: '' });
    try {
      const products = await this.api.listProducts();
      this.setData({ products, state: products.length > 0 ? 'ready' : 'empty', errorText: '' });
    } catch (error) {
      if (loaded) my.showToast({ content: describeError(error), type: 'fail' });
      else this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  onRetry() {
    void this.load();
  },

  onProductSelect(productId) {
    openPage(pageUrl(ROUTES.product, { id: productId }));
  },

  onMyOrders() {
    openPage(pageUrl(ROUTES.orders));
  },
});
