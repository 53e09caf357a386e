import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { Checkout } from '../../utils/checkout';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { formatMoney, multiplyAmount } from '../../utils/money';
import { backOrHome, readQuery, replacePage } from '../../utils/nav';

// A product: quantity, total, and the Pay button that starts the checkout.

export const MAX_QUANTITY = 99;

/**
 * The quantity the stepper reports, within 1–99 (the stepper clamps what is typed too), or
 * null while its input is empty or not a whole number: Pay waits for a real quantity.
 */
export function quantityFrom(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isInteger(value)) return null;
  return Math.min(Math.max(value, 1), MAX_QUANTITY);
}

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'missing' | 'error';
  product: Product | null;
  /** null while the stepper's input holds no valid quantity. */
  quantity: number | null;
  maxQuantity: number;
  /** '' while there is no valid quantity: never a total for a quantity the shopper did not enter. */
  totalText: string;
  /** Prices are not in CNY: Alipay shows the charge converted. */
  chargeNote: string;
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
    chargeNote: '',
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
      this.setData({ product, state: product ? 'ready' : 'missing', chargeNote: product ? chargeNote(product) : '' });
      this.updateTotal();
    } catch (error) {
      this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  updateTotal() {
    const { product, quantity } = this.data;
    const total = product && quantity !== null ? multiplyAmount(product.price, quantity) : null;
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
    this.setData({ quantity: quantityFrom(value), payError: '' });
    this.updateTotal();
  },

  async onPay() {
    const { product, quantity } = this.data;
    if (!product || quantity === null || this.data.paying) return;
    this.setData({ paying: true, payError: '' });
    const step = await this.checkout.buy(product.id, quantity);
    if (step.kind === 'ignored') return;
    if (this.gone) return;
    this.setData({ paying: false });
    if (step.kind === 'error') {
      const message = describeError(step.error);
      this.setData({ payError: message });
      my.showToast({ content: message, type: 'fail' });
      return;
    }
    // The result page takes this page's place: Back from it must not land on Pay again.
    replacePage(step.url);
  },
});

function chargeNote(product: Product): string {
  return product.currency === 'CNY' ? '' : t('chargeInCnyNote', { currency: product.currency });
}
