import type { Product } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { itemCount } from '../../utils/cart';
import { loadCart } from '../../utils/cart-store';
import { describeError } from '../../utils/error-text';
import { strings, t } from '../../utils/i18n';
import type { Strings } from '../../utils/i18n';
import { ROUTES, openPage, pageUrl } from '../../utils/nav';

// The catalogue (home page), with the way to the cart and its badge. Pull down to refresh it.
// The products need no sign-in, but paying and My orders do: when the silent sign-in fails, a
// notice says so, with Retry.

type Data = {
  s: Strings;
  state: 'loading' | 'ready' | 'empty' | 'error';
  products: Product[];
  errorText: string;
  /** Why signing in failed; '' while it has not. */
  signInText: string;
  signingIn: boolean;
  /** Items in the cart, for the cart entry's badge. */
  cartCount: number;
};
type ExtraThis = { api: ApiClient };
type Methods = {
  load(): Promise<void>;
  signIn(): Promise<void>;
  onRetry(): void;
  onSignInRetry(): void;
  onProductSelect(productId: string): void;
  onOpenCart(): void;
  onMyOrders(): void;
};

Page<Data, ExtraThis, Methods>({
  data: { s: strings(), state: 'loading', products: [], errorText: '', signInText: '', signingIn: false, cartCount: 0 },

  onLoad() {
    this.api = createApiClient();
    my.setNavigationBar({ title: t('shopTitle') });
    void this.load();
    // Joins the sign-in app.ts started at launch (never a second one) to learn how it went.
    void this.signIn();
  },

  onShow() {
    // Back from a product or the cart (or a paid order), whose lines may have changed.
    this.setData({ cartCount: itemCount(loadCart()) });
    // Another page may have signed in since (without calling Alipay from here: Alipay asks not to in onShow).
    if (this.data.signInText && this.api.isSignedIn()) this.setData({ signInText: '' });
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

  async signIn() {
    this.setData({ signingIn: true });
    try {
      await this.api.signIn();
      this.setData({ signInText: '' });
    } catch (error) {
      this.setData({ signInText: describeError(error) });
    } finally {
      this.setData({ signingIn: false });
    }
  },

  onRetry() {
    void this.load();
  },

  onSignInRetry() {
    if (!this.data.signingIn) void this.signIn();
  },

  onProductSelect(productId) {
    openPage(pageUrl(ROUTES.product, { id: productId }));
  },

  onOpenCart() {
    openPage(pageUrl(ROUTES.cart));
  },

  onMyOrders() {
    openPage(pageUrl(ROUTES.orders));
  },
});
