/**
 * The shopper's hands on the cart, for the e2e tests: adding from a product page, opening the
 * cart page, its steppers and Remove buttons, and what the phone keeps.
 */
import type { PageInstance } from '../../miniapp/harness';
import { PAGES, type Shop } from './shop';

export interface KeptLine {
  productId: string;
  quantity: number;
}

/** From the catalogue (launching the app if it is not running): the product, its quantity, "Add to cart", back. */
export async function addToCart(shop: Shop, productId: string, quantity: number): Promise<void> {
  await openCatalogue(shop);
  shop.rt.tap('onProductSelect', productId);
  await shop.until(PAGES.product, (data) => data.state === 'ready');
  shop.rt.tap('onQuantityChange', quantity);
  shop.rt.tap('onAddToCart');
  shop.rt.navigateBack(1);
}

/** The catalogue, loaded (a fresh launch when no page is open). */
export async function openCatalogue(shop: Shop): Promise<PageInstance> {
  if (shop.rt.stack.length === 0) shop.rt.launch();
  else shop.rt.reLaunch(`/${PAGES.home}`);
  const page = await shop.until(PAGES.home, (data) => data.state === 'ready');
  await shop.transport.idle();
  return page;
}

/** From the catalogue's cart entry to the cart page, once it has loaded. */
export async function openCart(shop: Shop): Promise<PageInstance> {
  await openCatalogue(shop);
  shop.rt.tap('onOpenCart');
  return shop.until(PAGES.cart, (data) => data.state !== 'loading');
}

/** A line's stepper reports a value (null: its input was cleared); antd-mini passes its data-id as the event's dataset. */
export function stepLine(shop: Shop, productId: string, value: number | null): void {
  shop.rt.call(shop.page, 'onLineQuantityChange', value, { currentTarget: { dataset: { id: productId } } });
}

export function removeLine(shop: Shop, productId: string): void {
  shop.rt.tap('onRemoveLine', { currentTarget: { dataset: { id: productId } } });
}

/** The cart the phone keeps in storage. */
export function keptCart(shop: Shop): KeptLine[] {
  const stored = (shop.rt.fake.stored('cart') as KeptLine[] | null) ?? [];
  return stored.map(({ productId, quantity }) => ({ productId, quantity }));
}
