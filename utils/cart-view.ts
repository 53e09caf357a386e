import type { Product } from '../server/contract';
import type { CartItem } from './cart';
import { formatCents, formatMoney, multiplyAmount, parseCents } from './money';

/** A cart line as the cart page shows it: texts ready, nothing left to compute in AXML. */
export interface CartLineView {
  productId: string;
  name: string;
  imageUrl: string | null;
  /** '' for a product no longer sold. */
  priceText: string;
  /** null while the line's quantity input holds no valid quantity. */
  quantity: number | null;
  /** '' while there is no valid quantity, and for a product no longer sold. */
  lineTotalText: string;
  /** false: the product is no longer sold; the line can only be removed. */
  available: boolean;
}

export interface CartView {
  lines: CartLineView[];
  /** The sum of the lines still sold; '' while a quantity is being typed (never a total the shopper did not enter). */
  totalText: string;
  /** The products no longer sold, by name: Pay waits until they are removed. */
  unavailableNames: string[];
  canPay: boolean;
}

export interface CartState {
  items: readonly CartItem[];
  /** The catalogue (GET /api/products). */
  products: readonly Product[];
  /** Lines whose quantity input is empty or not a whole number right now. */
  unsetQuantities: readonly string[];
  /** Products the server refused (unknown_product), listed in the catalogue or not. */
  refused: readonly string[];
}

function lineView(item: CartItem, state: CartState): CartLineView {
  const product = state.products.find((p) => p.id === item.productId);
  const quantity = state.unsetQuantities.indexOf(item.productId) >= 0 ? null : item.quantity;
  if (!product || state.refused.indexOf(item.productId) >= 0) {
    const name = product ? product.name : item.name;
    return { productId: item.productId, name, imageUrl: null, priceText: '', quantity, lineTotalText: '', available: false };
  }
  const lineTotal = quantity === null ? null : multiplyAmount(product.price, quantity);
  return {
    productId: item.productId,
    name: product.name,
    imageUrl: product.imageUrl,
    priceText: formatMoney(product.price, product.currency),
    quantity,
    lineTotalText: lineTotal ? formatMoney(lineTotal, product.currency) : '',
    available: true,
  };
}

/** The lines still sold, summed in cents; '' while one of them has no quantity. */
function totalText(lines: readonly CartLineView[], products: readonly Product[]): string {
  const sold = lines.filter((line) => line.available);
  if (sold.some((line) => line.quantity === null)) return '';
  let cents = 0;
  sold.forEach((line) => {
    const product = products.find((p) => p.id === line.productId) as Product;
    cents += (parseCents(product.price) ?? 0) * (line.quantity as number);
  });
  return formatMoney(formatCents(cents), products.length > 0 ? products[0].currency : '');
}

export function cartView(state: CartState): CartView {
  const lines = state.items.map((item) => lineView(item, state));
  const unavailableNames = lines.filter((line) => !line.available).map((line) => line.name);
  const total = totalText(lines, state.products);
  return {
    lines,
    totalText: total,
    unavailableNames,
    canPay: lines.length > 0 && unavailableNames.length === 0 && total !== '',
  };
}
