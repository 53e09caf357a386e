import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { ROUTES, openPage, pageUrl } from '../../utils/nav';

// The catalogue (home page).

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

  async load() {
    this.setData({ state: 'loading', errorText: '' });
    try {
      const products = await this.api.listProducts();
      this.setData({ products, state: products.length > 0 ? 'ready' : 'empty' });
    } catch (error) {
      this.setData({ state: 'error', errorText: describeError(error) });
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
