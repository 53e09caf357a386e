import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { Checkout } from '../../utils/checkout';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { formatMoney, multiplyAmount } from '../../utils/money';
import { backOrHome, openPage, readQuery } from '../../utils/nav';

// A product: quantity, total, and the Pay button that starts the checkout.

export const MAX_QUANTITY = 99;

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'missing' | 'error';
  product: Product | null;
  quantity: number;
  maxQuantity: number;
  totalText: string;
  paying: boolean;
  errorText: string;
  payError: string;
};
type ExtraThis = { api: ApiClient; checkout: Checkout; productId: string | null; gone: boolean };
type Methods = {
  load(): Promise<void>;
  updateTotal(): void;
  onRetry(): void;
  onBack(): void;
  onQuantityChange(value: number | null): void;
  onPay(): Promise<void>;
};

Page<Data, ExtraThis, Methods>({
  data: {
    s: strings(),
    state: 'loading',
    product: null,
    quantity: 1,
    maxQuantity: MAX_QUANTITY,
    totalText: '',
    paying: false,
    errorText: '',
    payError: '',
  },

  onLoad(query) {
    this.api = createApiClient();
    this.checkout = new Checkout({ api: this.api });
    this.productId = readQuery(query, 'id');
    this.gone = false;
    my.setNavigationBar({ title: t('productTitle') });
    void this.load();
  },

  onUnload() {
    this.gone = true;
    this.checkout.abort();
  },

  async load() {
    if (!this.productId) {
      this.setData({ state: 'missing' });
      return;
    }
    this.setData({ state: 'loading', errorText: '' });
    try {
      // The backend lists products but has no single-product endpoint.
      const products = await this.api.listProducts();
      const product = products.find((p) => p.id === this.productId) ?? null;
      this.setData({ product, state: product ? 'ready' : 'missing' });
      this.updateTotal();
    } catch (error) {
      this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  updateTotal() {
    const { product, quantity } = this.data;
    const total = product ? multiplyAmount(product.price, quantity) : null;
    this.setData({ totalText: product && total ? formatMoney(total, product.currency) : '' });
  },

  onRetry() {
    void this.load();
  },

  onBack() {
    backOrHome();
  },

  onQuantityChange(value) {
    if (this.data.paying) return;
    const quantity = typeof value === 'number' && Number.isInteger(value) ? Math.min(Math.max(value, 1), MAX_QUANTITY) : 1;
    this.setData({ quantity, payError: '' });
    this.updateTotal();
  },

  async onPay() {
    const product = this.data.product;
    if (!product || this.data.paying) return;
    this.setData({ paying: true, payError: '' });
    const step = await this.checkout.buy(product.id, this.data.quantity);
    if (step.kind === 'ignored') return;
    if (this.gone) return;
    this.setData({ paying: false });
    if (step.kind === 'error') {
      const message = describeError(step.error);
      this.setData({ payError: message });
      my.showToast({ content: message, type: 'fail' });
      return;
    }
    openPage(step.url);
  },
});
