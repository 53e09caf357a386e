// The cart: adding from the product page, the badge, the cart page (editing, removing, products
// no longer sold), paying for it in one order, and what a paid or failed payment does to it.
import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, FakeBackend, PROJECT_ROOT } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
  rt = createRuntime({ responder: backend.responder });
  rt.launch();
});
afterEach(() => rt.dispose());

type Line = { productId: string; quantity: number };

/** On the product page: the quantity, then "Add to cart". */
async function add(productId: string, quantity: number): Promise<PageInstance> {
  rt.navigateTo(`/pages/product/product?id=${productId}`);
  await rt.settle();
  rt.tap('onQuantityChange', quantity);
  rt.tap('onAddToCart');
  return rt.current();
}

/** From the catalogue to the cart page, loaded. */
async function openCart(): Promise<PageInstance> {
  rt.reLaunch('/pages/index/index');
  await rt.settle();
  rt.tap('onOpenCart');
  await rt.settle();
  expect(rt.current().route).toBe('pages/cart/cart');
  return rt.current();
}

/** The stepper of a line reports a value (antd-mini hands on its data-id as the event's dataset). */
function stepLine(productId: string, value: number | null): void {
  // A stepper passes the value and then the event (rt.tap passes one argument).
  rt.call(rt.current(), 'onLineQuantityChange', value, { currentTarget: { dataset: { id: productId } } });
}

function remove(productId: string): void {
  rt.tap('onRemoveLine', { currentTarget: { dataset: { id: productId } } });
}

function storedCart(): Line[] {
  return ((rt.fake.stored('cart') as Array<Line & { name: string }> | null) ?? []).map(({ productId, quantity }) => ({ productId, quantity }));
}

function ordersSent(): unknown[] {
  return backend.requestsTo('POST', '/api/orders').map((r) => r.body);
}

describe('adding to the cart', () => {
  it('adds the quantity chosen, says so, and counts the items on the product page and on the catalogue', async () => {
    const product = await add('pinot', 2);
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.addedToCart, type: 'success' }]);
    expect(product.data.cartCount).toBe(2);
    rt.navigateBack(1);
    await add('ticket', 3);
    await add('pinot', 1);
    expect(storedCart()).toEqual([
      { productId: 'pinot', quantity: 3 },
      { productId: 'ticket', quantity: 3 },
    ]);
    rt.reLaunch('/pages/index/index');
    await rt.settle();
    expect(rt.current().data.cartCount).toBe(6);
    expect(backend.requestsTo('POST', '/api/orders')).toEqual([]);
  });

  it('the badge follows the cart when the shopper comes back to the catalogue', async () => {
    const home = rt.current();
    expect(home.data.cartCount).toBe(0);
    await add('ticket', 4);
    rt.navigateBack(1);
    expect(rt.current()).toBe(home);
    expect(home.data.cartCount).toBe(4);
  });

  it('adds nothing while the quantity input is cleared', async () => {
    rt.navigateTo('/pages/product/product?id=pinot');
    await rt.settle();
    rt.tap('onQuantityChange', null);
    rt.tap('onAddToCart');
    expect(storedCart()).toEqual([]);
    expect(rt.fake.callsTo('showToast')).toEqual([]);
  });

  it('stops a line at 99 and says so', async () => {
    await add('pinot', 98);
    await add('pinot', 5);
    expect(storedCart()).toEqual([{ productId: 'pinot', quantity: 99 }]);
    expect(rt.fake.callsTo('showToast').pop()).toEqual({ content: en.cartQuantityCapped.replace(/\{max\}/g, '99'), type: 'none' });
  });

  it('takes no 21st product, and says why', async () => {
    backend.products = Array.from({ length: 21 }, (_, i) => ({ ...backend.products[0], id: `p${i}`, name: `P${i}` }));
    for (let i = 0; i < 21; i += 1) {
      await add(`p${i}`, 1);
      rt.navigateBack(1);
    }
    expect(storedCart()).toHaveLength(20);
    expect(rt.fake.callsTo('showToast').pop()).toEqual({ content: en.cartFull.replace('{max}', '20'), type: 'fail' });
  });

  it('survives a restart of the mini app', async () => {
    await add('pinot', 2);
    await add('ticket', 1);
    const storage = rt.fake.storageSnapshot();
    rt.dispose();
    rt = createRuntime({ responder: backend.responder, storage });
    rt.launch();
    await rt.settle();
    expect(rt.current().data.cartCount).toBe(3);
    const cart = await openCart();
    expect((cart.data.lines as Line[]).map((l) => [l.productId, l.quantity])).toEqual([
      ['pinot', 2],
      ['ticket', 1],
    ]);
  });

  it('with storage full, keeps the cart for the session', async () => {
    rt.fake.storageFull = true;
    await add('ticket', 2);
    expect(rt.fake.stored('cart')).toBeNull();
    const cart = await openCart();
    expect(cart.data).toMatchObject({ state: 'ready', totalText: 'NZ$0.02', canPay: true });
  });
});

describe('the cart page', () => {
  it('says when it is empty, without asking for the catalogue', async () => {
    const cart = await openCart();
    expect(cart.data.state).toBe('empty');
    expect(rt.fake.callsTo('setNavigationBar').pop()).toEqual({ title: en.cartTitle });
    rt.tap('onBackToShop');
    await rt.settle();
    expect(rt.current().route).toBe('pages/index/index');
  });

  it('lists each line with picture, name, price, quantity and line total, and the total', async () => {
    await add('pinot', 2);
    await add('ticket', 3);
    const cart = await openCart();
    expect(cart.data).toMatchObject({
      state: 'ready',
      lines: [
        { productId: 'pinot', name: 'Pinot Noir, Otago', imageUrl: backend.products[0].imageUrl, priceText: 'NZ$120.00', quantity: 2, lineTotalText: 'NZ$240.00', available: true },
        { productId: 'ticket', name: 'Ticket', imageUrl: null, priceText: 'NZ$0.01', quantity: 3, lineTotalText: 'NZ$0.03', available: true },
      ],
      totalText: 'NZ$240.03',
      unavailableText: '',
      canPay: true,
      chargeNote: en.chargeInCnyNote.replace('{currency}', 'NZD'),
    });
  });

  it('shows the load error with Retry', async () => {
    await add('pinot', 1);
    rt.navigateBack(1);
    backend.once('GET', '/api/products', { networkError: true });
    rt.tap('onOpenCart');
    await rt.settle();
    const cart = rt.current();
    expect(cart.data).toMatchObject({ state: 'error', errorText: en.errorNetwork });
    rt.tap('onRetry');
    await rt.settle();
    expect(cart.data.state).toBe('ready');
  });

  it('edits a quantity with the stepper: the line total and the total follow, and storage keeps it', async () => {
    await add('pinot', 1);
    await add('ticket', 1);
    const cart = await openCart();
    stepLine('ticket', 5);
    expect(cart.data).toMatchObject({ lines: [{ quantity: 1 }, { quantity: 5, lineTotalText: 'NZ$0.05' }], totalText: 'NZ$120.05' });
    expect(storedCart()).toEqual([
      { productId: 'pinot', quantity: 1 },
      { productId: 'ticket', quantity: 5 },
    ]);
    stepLine('ticket', 500);
    expect(storedCart()[1].quantity).toBe(99);
  });

  it('a cleared quantity is no quantity: no line total, no total, Pay disabled; never silently 1', async () => {
    await add('pinot', 1);
    await add('ticket', 4);
    const cart = await openCart();
    stepLine('ticket', null);
    expect(cart.data).toMatchObject({ lines: [{ quantity: 1 }, { quantity: null, lineTotalText: '' }], totalText: '', canPay: false });
    expect(storedCart()[1].quantity).toBe(4);
    await rt.tap('onPay');
    expect(backend.requestsTo('POST', '/api/orders')).toEqual([]);

    stepLine('ticket', 2.5);
    expect(cart.data.canPay).toBe(false);
    stepLine('ticket', 6);
    expect(cart.data).toMatchObject({ lines: [{ quantity: 1 }, { quantity: 6 }], totalText: 'NZ$120.06', canPay: true });
  });

  it('removes a line; removing the last shows the empty cart', async () => {
    await add('pinot', 1);
    await add('ticket', 1);
    const cart = await openCart();
    remove('pinot');
    expect(cart.data).toMatchObject({ lines: [{ productId: 'ticket' }], totalText: 'NZ$0.01' });
    expect(storedCart()).toEqual([{ productId: 'ticket', quantity: 1 }]);
    remove('ticket');
    expect(cart.data.state).toBe('empty');
    expect(rt.fake.stored('cart')).toEqual([]);
  });

  it('names a product the catalogue no longer lists, leaves it out of the total, and holds Pay until it is removed', async () => {
    await add('pinot', 1);
    await add('ticket', 2);
    backend.products = backend.products.filter((p) => p.id !== 'pinot');
    const cart = await openCart();
    expect(cart.data).toMatchObject({
      lines: [{ productId: 'pinot', name: 'Pinot Noir, Otago', available: false, priceText: '' }, { productId: 'ticket', available: true }],
      totalText: 'NZ$0.02',
      unavailableText: en.noLongerSoldNotice.replace('{names}', 'Pinot Noir, Otago'),
      canPay: false,
    });
    await rt.tap('onPay');
    expect(backend.requestsTo('POST', '/api/orders')).toEqual([]);

    remove('pinot');
    expect(cart.data).toMatchObject({ unavailableText: '', canPay: true });
    await rt.tap('onPay');
    await rt.settle();
    expect(ordersSent()).toEqual([{ items: [{ productId: 'ticket', quantity: 2 }] }]);
  });

  it('when the server refuses a product at Pay (unknown_product), names it, holds Pay, and keeps the cart', async () => {
    await add('pinot', 1);
    await add('ticket', 2);
    const cart = await openCart();
    // The shop stops selling it after the cart page loaded.
    backend.products = backend.products.filter((p) => p.id !== 'ticket');
    await rt.tap('onPay');
    await rt.settle();
    const notice = en.noLongerSoldNotice.replace('{names}', 'Ticket');
    expect(cart.data).toMatchObject({ paying: false, unavailableText: notice, canPay: false, payError: '', lines: [{ available: true }, { available: false }] });
    expect(rt.fake.callsTo('showToast')).toContainEqual({ content: notice, type: 'fail' });
    expect(backend.createdOrders).toEqual([]);
    expect(rt.fake.tradePays).toEqual([]);
    expect(storedCart()).toHaveLength(2);
    expect(rt.current()).toBe(cart);

    remove('ticket');
    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders.map((o) => o.items.map((i) => i.productId))).toEqual([['pinot']]);
  });

  it('names what the server refused even when the catalogue still lists it', async () => {
    await add('pinot', 1);
    const cart = await openCart();
    backend.once('POST', '/api/orders', { status: 400, body: { error: { code: 'unknown_product', message: 'not in the catalogue: "pinot"' } } });
    await rt.tap('onPay');
    await rt.settle();
    expect(cart.data).toMatchObject({ unavailableText: en.noLongerSoldNotice.replace('{names}', 'Pinot Noir, Otago'), canPay: false });
  });

  it('the template passes each line to the stepper and Remove, and holds Pay while it cannot pay', () => {
    const axml = fs.readFileSync(path.join(PROJECT_ROOT, 'pages/cart/cart.axml'), 'utf8');
    expect(axml).toMatch(/<ant-stepper[^>]*data-id="\{\{item\.productId\}\}"[^>]*onChange="onLineQuantityChange"/);
    expect(axml).toMatch(/<ant-button[^>]*data-id="\{\{item\.productId\}\}"[^>]*onTap="onRemoveLine"/);
    expect(axml).toMatch(/<ant-button[^>]*disabled="\{\{paying \|\| !canPay\}\}"[^>]*onTap="onPay"/);
  });
});

describe('paying for the cart', () => {
  async function cartOf(lines: Line[]): Promise<PageInstance> {
    for (const line of lines) await add(line.productId, line.quantity);
    return openCart();
  }

  it('pays for every line in one order, under one Idempotency-Key, and the result page takes the cart page\'s place', async () => {
    backend.onRefresh = () => 'paid';
    const cart = await cartOf([
      { productId: 'pinot', quantity: 2 },
      { productId: 'ticket', quantity: 3 },
    ]);
    const paying = rt.tap('onPay') as Promise<void>;
    rt.tap('onPay');
    expect(cart.data.paying).toBe(true);
    await paying;
    await rt.settle();
    const [order] = backend.createdOrders;
    expect(backend.createdOrders).toHaveLength(1);
    expect(ordersSent()).toEqual([{ items: [{ productId: 'pinot', quantity: 2 }, { productId: 'ticket', quantity: 3 }] }]);
    expect(order).toMatchObject({ amount: '240.03', productName: 'Pinot Noir, Otago ×2 +1 more' });
    expect(rt.fake.tradePays).toHaveLength(1);
    expect(rt.isUnloaded(cart)).toBe(true);
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index', 'pages/result/result']);
    expect(rt.current().data).toMatchObject({ state: 'paid', productName: 'Pinot Noir, Otago ×2 +1 more', amountText: 'NZ$240.03' });
  });

  it('is emptied once the server says the order is paid; the badge shows nothing', async () => {
    backend.onRefresh = () => 'paid';
    await cartOf([{ productId: 'ticket', quantity: 2 }]);
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data.state).toBe('paid');
    expect(rt.fake.stored('cart')).toEqual([]);
    rt.navigateBack(1);
    expect(rt.current().data.cartCount).toBe(0);
  });

  it('is kept while the server has not said paid (a 9000 is not proof), and emptied when the order shows paid later', async () => {
    await cartOf([{ productId: 'ticket', quantity: 2 }]);
    await rt.tap('onPay');
    await rt.settle();
    await jest.advanceTimersByTimeAsync(61000);
    expect(rt.current().data.state).toBe('unconfirmed');
    expect(storedCart()).toEqual([{ productId: 'ticket', quantity: 2 }]);

    const [order] = backend.createdOrders;
    backend.setStatus(order.merchantReference, 'paid');
    rt.tap('onMyOrders');
    await rt.settle();
    expect(rt.fake.stored('cart')).toEqual([]);
  });

  it.each([
    ['cancelled at the cashier', '6001'],
    ['failed', '4000'],
  ])('is kept after a payment %s', async (_label, code) => {
    rt.fake.cashier = () => ({ resultCode: code });
    await cartOf([
      { productId: 'pinot', quantity: 1 },
      { productId: 'ticket', quantity: 2 },
    ]);
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data.state).toBe('failure');
    if (code === '4000') backend.setStatus(backend.createdOrders[0].merchantReference, 'failed');
    rt.reLaunch('/pages/index/index');
    await rt.settle();
    expect(rt.current().data.cartCount).toBe(3);
    expect(storedCart()).toEqual([
      { productId: 'pinot', quantity: 1 },
      { productId: 'ticket', quantity: 2 },
    ]);
  });

  it('Pay on the same cart again after a cancel goes to that order: no second order', async () => {
    rt.fake.cashier = () => ({ resultCode: '6001' });
    await cartOf([
      { productId: 'pinot', quantity: 1 },
      { productId: 'ticket', quantity: 2 },
    ]);
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    backend.onRefresh = (o) => (o.merchantReference === order.merchantReference && rt.fake.tradePays.length > 1 ? 'paid' : undefined);
    rt.fake.cashier = () => ({ resultCode: '9000' });
    await openCart();
    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.fake.tradePays).toEqual([rt.fake.tradePays[0], rt.fake.tradePays[0]]);
    expect(rt.current().query).toEqual({ ref: order.merchantReference, code: '9000' });
    expect(rt.current().data.state).toBe('paid');
    expect(rt.fake.stored('cart')).toEqual([]);
  });

  it('a changed cart is a new order', async () => {
    rt.fake.cashier = () => ({ resultCode: '6001' });
    await cartOf([{ productId: 'pinot', quantity: 1 }]);
    await rt.tap('onPay');
    await rt.settle();
    const cart = await openCart();
    stepLine('pinot', 2);
    await rt.tap('onPay');
    await rt.settle();
    expect(backend.createdOrders.map((o) => o.items[0].quantity)).toEqual([1, 2]);
    expect(cart.data.paying).toBe(false);
  });

  it('a failed order replaced by Pay again still empties the cart once paid', async () => {
    rt.fake.cashier = () => ({ resultCode: '4000' });
    await cartOf([{ productId: 'ticket', quantity: 2 }]);
    await rt.tap('onPay');
    await rt.settle();
    backend.setStatus(backend.createdOrders[0].merchantReference, 'failed');
    rt.fake.cashier = () => ({ resultCode: '9000' });
    backend.onRefresh = (o) => (o.merchantReference === backend.createdOrders[1]?.merchantReference ? 'paid' : undefined);
    await rt.tap('onPayAgain');
    await rt.settle();
    expect(backend.createdOrders).toHaveLength(2);
    expect(rt.current().data.state).toBe('paid');
    expect(rt.fake.stored('cart')).toEqual([]);
  });

  it('keeps what was added after the order was made', async () => {
    rt.fake.cashier = () => ({ resultCode: '6001' });
    await cartOf([{ productId: 'ticket', quantity: 2 }]);
    await rt.tap('onPay');
    await rt.settle();
    const [order] = backend.createdOrders;
    await add('pinot', 1);
    backend.setStatus(order.merchantReference, 'paid');
    rt.reLaunch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    expect(storedCart()).toEqual([{ productId: 'pinot', quantity: 1 }]);
  });

  it('paying for one product from its page leaves the cart alone', async () => {
    backend.onRefresh = () => 'paid';
    await add('ticket', 2);
    rt.tap('onQuantityChange', 2);
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.current().data.state).toBe('paid');
    expect(storedCart()).toEqual([{ productId: 'ticket', quantity: 2 }]);
  });

  it('a network failure on Pay keeps the cart and says why; the retry reuses the Idempotency-Key', async () => {
    backend.once('POST', '/api/orders', { networkError: true });
    const cart = await cartOf([
      { productId: 'pinot', quantity: 1 },
      { productId: 'ticket', quantity: 1 },
    ]);
    await rt.tap('onPay');
    expect(cart.data).toMatchObject({ paying: false, payError: en.errorNetwork });
    expect(storedCart()).toHaveLength(2);
    await rt.tap('onPay');
    await rt.settle();
    const keys = backend.requestsTo('POST', '/api/orders').map((r) => r.header('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(backend.createdOrders).toHaveLength(1);
  });

  it('ignores edits and removals while paying', async () => {
    let release: (() => void) | undefined;
    backend.once('POST', '/api/orders', (request) => new Promise((resolve) => (release = () => resolve(backend.handle(request)))));
    const cart = await cartOf([{ productId: 'ticket', quantity: 2 }]);
    rt.tap('onPay');
    await rt.settle();
    stepLine('ticket', 9);
    remove('ticket');
    expect(storedCart()).toEqual([{ productId: 'ticket', quantity: 2 }]);
    expect(cart.data.lines).toHaveLength(1);
    (release as () => void)();
    await rt.settle();
  });
});
