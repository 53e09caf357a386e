// The cart's utils: its lines, what the cart page shows, where it is kept, and when a paid order
// takes lines out of it.
import type { Order, Product } from '../../server/contract';
import { addToCart, cartLines, itemCount, MAX_CART_LINES, removeFromCart, setQuantity, withoutOrdered } from '../../utils/cart';
import type { CartItem } from '../../utils/cart';
import { cartView } from '../../utils/cart-view';
import type { CartState } from '../../utils/cart-view';
import { linesOf, sameLines } from '../../utils/order-lines';
import { quantityFrom } from '../../utils/quantity';
import { installFakeMy, PRODUCTS } from './harness';
import type { FakeMy } from './harness';

const [PINOT, TICKET] = PRODUCTS;
const item = (productId: string, quantity: number, name = productId): CartItem => ({ productId, name, quantity });

type CartStore = typeof import('../../utils/cart-store');
type PaidOrder = typeof import('../../utils/paid-order');
type Payments = typeof import('../../utils/payment-store');

/** The modules as a new launch of the app loads them (module state starts over), sharing one instance of each. */
function freshModules(): { store: CartStore; paid: PaidOrder; payments: Payments } {
  let loaded: { store: CartStore; paid: PaidOrder; payments: Payments } | undefined;
  jest.isolateModules(() => {
    loaded = {
      store: require('../../utils/cart-store') as CartStore,
      paid: require('../../utils/paid-order') as PaidOrder,
      payments: require('../../utils/payment-store') as Payments,
    };
  });
  return loaded as { store: CartStore; paid: PaidOrder; payments: Payments };
}

describe('cart lines', () => {
  it('adds a product as a new last line, or to its line', () => {
    const first = addToCart([], PINOT, 2);
    expect(first).toEqual({ kind: 'added', items: [{ productId: 'pinot', name: PINOT.name, quantity: 2 }] });
    if (first.kind === 'full') throw new Error('unexpected');
    const second = addToCart(first.items, TICKET, 1);
    if (second.kind === 'full') throw new Error('unexpected');
    const third = addToCart(second.items, PINOT, 3);
    expect(third).toEqual({ kind: 'added', items: [item('pinot', 5, PINOT.name), item('ticket', 1, TICKET.name)] });
  });

  it('stops a line at 99, and says so', () => {
    expect(addToCart([item('pinot', 98)], PINOT, 5)).toEqual({ kind: 'capped', items: [item('pinot', 99, PINOT.name)] });
    expect(addToCart([item('pinot', 98)], PINOT, 1)).toEqual({ kind: 'added', items: [item('pinot', 99, PINOT.name)] });
  });

  it(`takes no new product past ${MAX_CART_LINES} lines, but more of one it has`, () => {
    const full = Array.from({ length: MAX_CART_LINES }, (_, i) => item(`p${i}`, 1));
    expect(addToCart(full, PINOT, 1)).toEqual({ kind: 'full' });
    expect(addToCart(full, { id: 'p3', name: 'p3' }, 1)).toMatchObject({ kind: 'added' });
  });

  it('changes a quantity, removes a line, counts the items, and gives the lines to order', () => {
    const items = [item('pinot', 2), item('ticket', 3)];
    expect(setQuantity(items, 'ticket', 7)).toEqual([item('pinot', 2), item('ticket', 7)]);
    expect(removeFromCart(items, 'pinot')).toEqual([item('ticket', 3)]);
    expect(itemCount(items)).toBe(5);
    expect(itemCount([])).toBe(0);
    expect(cartLines(items)).toEqual([
      { productId: 'pinot', quantity: 2 },
      { productId: 'ticket', quantity: 3 },
    ]);
    expect(items).toEqual([item('pinot', 2), item('ticket', 3)]);
  });

  it('once an order of it is paid, keeps only what was added since', () => {
    const ordered = [
      { productId: 'pinot', quantity: 2 },
      { productId: 'ticket', quantity: 1 },
    ];
    expect(withoutOrdered([item('pinot', 2), item('ticket', 1)], ordered)).toEqual([]);
    expect(withoutOrdered([item('pinot', 3), item('ticket', 1), item('tote', 1)], ordered)).toEqual([item('pinot', 1), item('tote', 1)]);
  });

  it('reads a quantity as the product page does: cleared or not whole is none, the rest within 1 to 99', () => {
    expect([null, 2.5, Number.NaN, '3', undefined].map(quantityFrom)).toEqual([null, null, null, null, null]);
    expect([0, 1, 42, 99, 500].map(quantityFrom)).toEqual([1, 1, 42, 99, 99]);
  });
});

describe('order lines', () => {
  it('are the same lines in any order, and only then', () => {
    const a = [
      { productId: 'pinot', quantity: 2 },
      { productId: 'ticket', quantity: 1 },
    ];
    expect(sameLines(a, [...a].reverse())).toBe(true);
    expect(sameLines(a, [{ productId: 'pinot', quantity: 2 }])).toBe(false);
    expect(sameLines(a, [{ productId: 'pinot', quantity: 1 }, { productId: 'ticket', quantity: 2 }])).toBe(false);
  });

  it("are an order's items without names and prices", () => {
    expect(linesOf([{ productId: 'pinot', name: 'P', quantity: 2, unitPrice: '1.00', lineTotal: '2.00' }])).toEqual([
      { productId: 'pinot', quantity: 2 },
    ]);
  });
});

describe('cart view', () => {
  const products: Product[] = [
    { ...PINOT, price: '12.30' },
    { ...TICKET, price: '0.10' },
  ];
  const state = (overrides: Partial<CartState> = {}): CartState => ({
    items: [item('pinot', 2, 'Pinot (as added)'), item('ticket', 3)],
    products,
    unsetQuantities: [],
    refused: [],
    ...overrides,
  });

  it('shows each line at the catalogue price, its total, and the total in cents', () => {
    expect(cartView(state())).toEqual({
      lines: [
        { productId: 'pinot', name: PINOT.name, imageUrl: PINOT.imageUrl, priceText: 'NZ$12.30', quantity: 2, lineTotalText: 'NZ$24.60', available: true },
        { productId: 'ticket', name: TICKET.name, imageUrl: null, priceText: 'NZ$0.10', quantity: 3, lineTotalText: 'NZ$0.30', available: true },
      ],
      totalText: 'NZ$24.90',
      unavailableNames: [],
      canPay: true,
    });
  });

  it('shows no total and no Pay while a quantity is being typed', () => {
    const view = cartView(state({ unsetQuantities: ['ticket'] }));
    expect(view.lines[1]).toMatchObject({ quantity: null, lineTotalText: '' });
    expect(view).toMatchObject({ totalText: '', canPay: false });
  });

  it('names a product the catalogue no longer lists by the name it was added with, leaves it out of the total, and holds Pay', () => {
    const view = cartView(state({ products: [products[1]] }));
    expect(view.lines[0]).toEqual({
      productId: 'pinot',
      name: 'Pinot (as added)',
      imageUrl: null,
      priceText: '',
      quantity: 2,
      lineTotalText: '',
      available: false,
    });
    expect(view).toMatchObject({ totalText: 'NZ$0.30', unavailableNames: ['Pinot (as added)'], canPay: false });
  });

  it('treats a product the server refused as no longer sold, even while the catalogue lists it', () => {
    expect(cartView(state({ refused: ['ticket'] }))).toMatchObject({ totalText: 'NZ$24.60', unavailableNames: [TICKET.name], canPay: false });
  });

  it('cannot pay for an empty cart', () => {
    expect(cartView(state({ items: [] }))).toMatchObject({ lines: [], canPay: false });
  });
});

describe('cart store', () => {
  let fake: FakeMy;
  let uninstall: () => void;
  beforeEach(() => {
    ({ fake, uninstall } = installFakeMy());
  });
  afterEach(() => uninstall());

  it('keeps the cart in storage: a restart of the app finds it', () => {
    freshModules().store.saveCart([item('pinot', 2), item('ticket', 1)]);
    expect(fake.stored('cart')).toEqual([item('pinot', 2), item('ticket', 1)]);
    expect(freshModules().store.loadCart()).toEqual([item('pinot', 2), item('ticket', 1)]);
  });

  it('starts empty, and leaves out damaged lines, a product twice, and lines past the limit', () => {
    expect(freshModules().store.loadCart()).toEqual([]);
    const many = Array.from({ length: MAX_CART_LINES + 3 }, (_, i) => item(`p${i}`, 1));
    fake.my.setStorageSync({ key: 'cart', data: [item('pinot', 0), item('pinot', 2.5), { productId: 'x' }, 7, item('ticket', 2), item('ticket', 3), ...many] } as never);
    const loaded = freshModules().store.loadCart();
    expect(loaded[0]).toEqual(item('ticket', 2));
    expect(loaded).toHaveLength(MAX_CART_LINES);
    fake.my.setStorageSync({ key: 'cart', data: 'garbage' } as never);
    expect(freshModules().store.loadCart()).toEqual([]);
  });

  it('with storage full ({success: false}), keeps the cart for the session, and saves it once storage has room', () => {
    const { store } = freshModules();
    store.saveCart([item('pinot', 1)]);
    fake.storageFull = true;
    store.saveCart([item('pinot', 1), item('ticket', 4)]);
    expect(fake.stored('cart')).toEqual([item('pinot', 1)]);
    expect(store.loadCart()).toEqual([item('pinot', 1), item('ticket', 4)]);
    fake.storageFull = false;
    store.saveCart([...store.loadCart(), item('tote', 1)]);
    expect(fake.stored('cart')).toEqual([item('pinot', 1), item('ticket', 4), item('tote', 1)]);
  });

  it('never writes over a cart that storage could not read', () => {
    fake.my.setStorageSync({ key: 'cart', data: [item('pinot', 2)] } as never);
    const { store } = freshModules();
    const original = fake.my.getStorageSync;
    (fake.my as Record<string, unknown>).getStorageSync = () => {
      throw new Error('broken');
    };
    expect(store.loadCart()).toEqual([]);
    store.saveCart([item('ticket', 1)]);
    expect(store.loadCart()).toEqual([item('ticket', 1)]);
    (fake.my as Record<string, unknown>).getStorageSync = original;
    expect(fake.stored('cart')).toEqual([item('pinot', 2)]);
  });
});

describe('a paid order and the cart', () => {
  let uninstall: () => void;
  beforeEach(() => {
    ({ uninstall } = installFakeMy());
  });
  afterEach(() => uninstall());

  const order = (status: Order['status'], ref = 'M1'): Order => ({
    merchantReference: ref,
    status,
    amount: '240.00',
    currency: 'NZD',
    productName: 'Pinot ×2',
    items: [{ productId: 'pinot', name: 'Pinot', quantity: 2, unitPrice: '120.00', lineTotal: '240.00' }],
    latipayOrderId: 'S1',
    createdAt: '2025-01-01T00:00:00Z',
    paidAt: null,
    refundedAmount: '0.00',
    refunds: [],
  });
  const created = (ref: string) => ({ order: order('pending', ref), gatewaydata: { service: 'x' }, mode: 'live' as const });

  it('takes what the cart bought out of the cart once the server says paid, and forgets the payment', () => {
    const { store, paid, payments } = freshModules();
    store.saveCart([item('pinot', 2), item('ticket', 1)]);
    const kept = payments.createPaymentStore();
    kept.save(created('M1'), true);
    paid.noteOrderStatus(order('pending'));
    paid.noteOrderStatus(order('failed'));
    expect(store.loadCart()).toEqual([item('pinot', 2), item('ticket', 1)]);
    expect(kept.load('M1')).not.toBeNull();
    paid.noteOrderStatus(order('paid'));
    expect(store.loadCart()).toEqual([item('ticket', 1)]);
    expect(kept.load('M1')).toBeNull();
  });

  it('leaves the cart alone for an order it did not pay for, or one it heard of before', () => {
    const { store, paid, payments } = freshModules();
    store.saveCart([item('pinot', 2)]);
    payments.createPaymentStore().save(created('M1'), false);
    paid.noteOrderStatus(order('paid'));
    paid.noteOrderStatus(order('paid', 'M-unknown'));
    expect(store.loadCart()).toEqual([item('pinot', 2)]);
    expect(payments.createPaymentStore().load('M1')).toBeNull();
  });
});
