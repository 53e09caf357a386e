import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { addToCart, itemCount, MAX_CART_LINES } from '../../utils/cart';
import { loadCart, saveCart } from '../../utils/cart-store';
import { chargeNote } from '../../utils/charge-note';
import { Checkout } from '../../utils/checkout';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { formatMoney, multiplyAmount } from '../../utils/money';
import { ROUTES, backOrHome, openPage, pageUrl, readQuery, replacePage } from '../../utils/nav';
import { MAX_QUANTITY, quantityFrom } from '../../utils/quantity';

// A product: its picture, quantity, total, "Add to cart", and "Pay with Alipay" for this
// product alone (the checkout starts at once).

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
  /** Items in the cart, for the cart entry's badge. */
  cartCount: number;
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
  onAddToCart(): void;
  onOpenCart(): void;
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
    cartCount: 0,
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

  onShow() {
    // Back from the cart, whose lines may have changed.
    this.setData({ cartCount: itemCount(loadCart()) });
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
      this.setData({ product, state: product ? 'ready' : 'missing', chargeNote: product ? chargeNote(product.currency) : '' });
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

  onAddToCart() {
    const { product, quantity } = this.data;
    if (!product || quantity === null || this.data.paying) return;
    const added = addToCart(loadCart(), product, quantity);
    if (added.kind === 'full') {
      my.showToast({ content: t('cartFull', { max: MAX_CART_LINES }), type: 'fail' });
      return;
    }
    saveCart(added.items);
    this.setData({ cartCount: itemCount(added.items) });
    if (added.kind === 'capped') my.showToast({ content: t('cartQuantityCapped', { max: MAX_QUANTITY }), type: 'none' });
    else my.showToast({ content: t('addedToCart'), type: 'success' });
  },

  onOpenCart() {
    openPage(pageUrl(ROUTES.cart));
  },

  async onPay() {
    const { product, quantity } = this.data;
    if (!product || quantity === null || this.data.paying) return;
    this.setData({ paying: true, payError: '' });
    const step = await this.checkout.buy([{ productId: product.id, quantity }]);
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
