import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { isApiError } from '../../utils/api-error';
import { cartLines, removeFromCart, setQuantity } from '../../utils/cart';
import { loadCart, saveCart } from '../../utils/cart-store';
import { cartView } from '../../utils/cart-view';
import type { CartLineView } from '../../utils/cart-view';
import { chargeNote } from '../../utils/charge-note';
import { Checkout } from '../../utils/checkout';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { goHome, replacePage } from '../../utils/nav';
import { MAX_QUANTITY, quantityFrom } from '../../utils/quantity';

// The cart: its lines (picture, name, price, quantity, line total, Remove), the total, and one
// "Pay with Alipay" for all of it. A product no longer sold is named, and Pay waits until it
// is removed. The lines are kept by cart-store.ts; this page keeps only what is being typed.

/** antd-mini passes a stepper's or button's `data-*` props on as the event's dataset. */
type LineEvent = { currentTarget?: { dataset?: Record<string, unknown> } };

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'empty' | 'error';
  lines: CartLineView[];
  /** '' while a line's quantity input holds no valid quantity. */
  totalText: string;
  /** Names the products no longer sold; '' when there are none. */
  unavailableText: string;
  canPay: boolean;
  maxQuantity: number;
  chargeNote: string;
  paying: boolean;
  errorText: string;
  payError: string;
};
type ExtraThis = {
  api: ApiClient;
  checkout: Checkout;
  /** The catalogue, as last loaded. */
  products: Product[];
  /** Lines whose quantity input is empty or not a whole number: storage keeps their last quantity. */
  unsetQuantities: string[];
  /** Products the server refused (unknown_product) at the last Pay. */
  refused: string[];
  gone: boolean;
};
type Methods = {
  load(): Promise<void>;
  render(): void;
  noteRefusedProducts(message: string): Promise<void>;
  onRetry(): void;
  onBackToShop(): void;
  onLineQuantityChange(value: number | null, event: LineEvent): void;
  onRemoveLine(event: LineEvent): void;
  onPay(): Promise<void>;
};

function lineIdOf(event: LineEvent): string | null {
  const id = event && event.currentTarget && event.currentTarget.dataset ? event.currentTarget.dataset.id : undefined;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** The cart's products that an unknown_product message names (the server quotes the id). */
function productsNamedIn(message: string, productIds: string[]): string[] {
  return productIds.filter((id) => message.indexOf(`"${id}"`) >= 0);
}

Page<Data, ExtraThis, Methods>({
  data: {
    s: strings(),
    state: 'loading',
    lines: [],
    totalText: '',
    unavailableText: '',
    canPay: false,
    maxQuantity: MAX_QUANTITY,
    chargeNote: '',
    paying: false,
    errorText: '',
    payError: '',
  },

  onLoad() {
    this.api = createApiClient();
    this.checkout = new Checkout({ api: this.api });
    this.products = [];
    this.unsetQuantities = [];
    this.refused = [];
    this.gone = false;
    my.setNavigationBar({ title: t('cartTitle') });
    void this.load();
  },

  onUnload() {
    this.gone = true;
    this.checkout.abort();
  },

  /** The catalogue gives the prices and pictures, and says which products are still sold. */
  async load() {
    if (loadCart().length === 0) {
      this.render();
      return;
    }
    this.setData({ state: 'loading', errorText: '' });
    try {
      this.products = await this.api.listProducts();
      this.render();
    } catch (error) {
      this.setData({ state: 'error', errorText: describeError(error) });
    }
  },

  render() {
    const items = loadCart();
    const view = cartView({ items, products: this.products, unsetQuantities: this.unsetQuantities, refused: this.refused });
    this.setData({
      state: items.length > 0 ? 'ready' : 'empty',
      lines: view.lines,
      totalText: view.totalText,
      unavailableText: view.unavailableNames.length > 0 ? t('noLongerSoldNotice', { names: view.unavailableNames.join(', ') }) : '',
      canPay: view.canPay,
      chargeNote: this.products.length > 0 ? chargeNote(this.products[0].currency) : '',
    });
  },

  /** The server refused a product: ask the catalogue again, and name what it no longer lists or the server named. */
  async noteRefusedProducts(message) {
    const ids = loadCart().map((item) => item.productId);
    this.refused = productsNamedIn(message, ids);
    try {
      this.products = await this.api.listProducts();
    } catch {
      // The products the message named are marked anyway.
    }
    if (!this.gone) this.render();
  },

  onRetry() {
    void this.load();
  },

  onBackToShop() {
    goHome();
  },

  onLineQuantityChange(value, event) {
    const productId = lineIdOf(event);
    if (this.data.paying || productId === null) return;
    const quantity = quantityFrom(value);
    this.unsetQuantities = this.unsetQuantities.filter((id) => id !== productId);
    if (quantity === null) this.unsetQuantities.push(productId);
    else saveCart(setQuantity(loadCart(), productId, quantity));
    this.setData({ payError: '' });
    this.render();
  },

  onRemoveLine(event) {
    const productId = lineIdOf(event);
    if (this.data.paying || productId === null) return;
    saveCart(removeFromCart(loadCart(), productId));
    this.unsetQuantities = this.unsetQuantities.filter((id) => id !== productId);
    this.refused = this.refused.filter((id) => id !== productId);
    this.setData({ payError: '' });
    this.render();
  },

  async onPay() {
    if (this.data.paying || !this.data.canPay) return;
    this.setData({ paying: true, payError: '' });
    const step = await this.checkout.buy(cartLines(loadCart()), true);
    if (step.kind === 'ignored' || this.gone) return;
    this.setData({ paying: false });
    if (step.kind === 'error') {
      if (isApiError(step.error) && step.error.code === 'unknown_product') {
        await this.noteRefusedProducts(step.error.message);
        my.showToast({ content: this.data.unavailableText || describeError(step.error), type: 'fail' });
        return;
      }
      const message = describeError(step.error);
      this.setData({ payError: message });
      my.showToast({ content: message, type: 'fail' });
      return;
    }
    // The result page takes the cart's place: Back from it must not land on Pay again. The
    // cart keeps its lines until the server says the order is paid.
    replacePage(step.url);
  },
});
