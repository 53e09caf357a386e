// Signed-in shoppers on one real backend: each sees only their own orders, a session that ends
// in the middle of a checkout, the develop build's sandbox shopper per device, and My orders
// paging through the backend's pages.
import { en } from '../../utils/strings-en';
import type { PageInstance } from '../miniapp/harness';
import { waitFor } from '../support/wait';
import { MOVES } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

const CREATE = /^\/api\/orders$/;
const SESSION = /^\/api\/session$/;

let shop: Shop;
afterEach(() => shop.close());

/** Buys the test item on the phone in hand and pays at the cashier; returns the order's reference. */
async function buyAndPay(): Promise<string> {
  shop.cashier.plays(MOVES.pay);
  await shop.openProduct('test-item');
  await shop.rt.tap('onPay');
  const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
  return String(paid.data.ref);
}

/** Opens My orders and waits for the first page. */
async function openMyOrders(): Promise<PageInstance> {
  shop.rt.launch(`/${PAGES.orders}`);
  return shop.until(PAGES.orders, (data) => data.state === 'ready' || data.state === 'empty');
}

const shownRefs = (page: PageInstance): string[] => (page.data.orders as Array<{ ref: string }>).map((o) => o.ref);
const outcomes = (method: string, path: RegExp) => shop.transport.to(method, path).map((e) => e.outcome);

describe('two shoppers on one backend', () => {
  beforeEach(async () => {
    shop = await Shop.open({ shopper: 'alice' });
  });

  it('each sees only their own orders in My orders', async () => {
    const alices = await buyAndPay();
    await shop.switchTo('bob');
    const bobs = await buyAndPay();
    expect(shownRefs(await openMyOrders())).toEqual([bobs]);

    await shop.switchTo('alice');
    expect(shownRefs(await openMyOrders())).toEqual([alices]);
    expect((await shop.serverOrders()).map((o) => o.merchantReference)).toEqual([alices]);
    expect(await shop.orderCount()).toBe(2);
  });

  it("B cannot open A's order, even knowing its reference", async () => {
    const alices = await buyAndPay();
    await shop.switchTo('bob');
    shop.rt.launch(`/pages/order/order?ref=${alices}`);
    const page = await shop.until(PAGES.order, (data) => data.state === 'error');
    expect(page.data.errorText).toBe(en.errorNotFound);
    expect(outcomes('GET', new RegExp(`^/api/orders/${alices}$`))).toEqual([{ status: 404 }]);
    expect((await shop.asShopper(`/api/orders/${alices}`)).status).toBe(404);
    expect(shownRefs(await openMyOrders())).toEqual([]);
  });
});

describe('a session that ends in the middle of a checkout', () => {
  beforeEach(async () => {
    shop = await Shop.open();
  });

  it('before Pay: the create is refused (401), the app signs in again silently and sends it again with the same key', async () => {
    shop.cashier.plays(MOVES.pay);
    await shop.openProduct('test-item');
    const before = shop.appSession?.token;
    await shop.expireSessions();
    await shop.rt.tap('onPay');
    await shop.until(PAGES.result, (data) => data.state === 'paid');

    expect(outcomes('POST', CREATE)).toEqual([{ status: 401 }, { status: 201 }]);
    const keys = shop.rt.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/orders').map((r) => r.header('Idempotency-Key'));
    expect(keys[1]).toBe(keys[0]);
    expect(outcomes('POST', SESSION)).toEqual([{ status: 201 }, { status: 201 }]);
    expect(shop.appSession?.token).not.toBe(before);
    expect(await shop.orderCount()).toBe(1);
    expect((await shop.serverOrders()).map((o) => o.status)).toEqual(['paid']);
  });

  it('while the cashier is open: the result page signs in again and shows the payment, the same shopper', async () => {
    shop.cashier.plays(MOVES.pay);
    const check = shop.transport.hold('GET', STATUS_CHECK);
    await shop.openProduct('test-item');
    await shop.rt.tap('onPay');
    await check.reached;
    await shop.expireSessions();
    check.release();

    const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
    expect(outcomes('GET', STATUS_CHECK)).toEqual([{ status: 401 }, { status: 200 }]);
    expect(outcomes('POST', SESSION)).toEqual([{ status: 201 }, { status: 201 }]);
    expect(shownRefs(await openMyOrders())).toEqual([paid.data.ref]);
    expect(await shop.orderCount()).toBe(1);
    expect(shop.rt.fake.tradePays).toHaveLength(1);
  });

  it('by its own time (SESSION_TTL_S): a restart reuses the token until then; after it the app signs in before sending', async () => {
    await shop.close();
    shop = await Shop.open({ env: { SESSION_TTL_S: '3' } });
    shop.cashier.plays(MOVES.pay);
    await shop.openProduct('test-item');
    const first = shop.appSession;
    if (!first) throw new Error('not signed in');

    await shop.restartApp();
    await shop.openProduct('test-item');
    expect(shop.rt.fake.callsTo('getAuthCode')).toEqual([]);
    expect(shop.appSession).toEqual(first);

    await waitFor(() => Date.now() > Date.parse(first.expiresAt), { description: 'the session to end', timeoutMs: 6000 });
    await shop.rt.tap('onPay');
    await shop.until(PAGES.result, (data) => data.state === 'paid');
    expect(shop.rt.fake.callsTo('getAuthCode')).toHaveLength(1);
    expect(outcomes('POST', CREATE)).toEqual([{ status: 201 }]);
    expect(shop.appSession?.token).not.toBe(first.token);
  });
});

describe('a develop build that gets no Alipay code (the IDE without an appId)', () => {
  it('on a sandbox backend, each device is a sandbox shopper of its own: `sandbox:<device id>`', async () => {
    shop = await Shop.open({ mode: 'sandbox', shopper: null });
    const payInTheSheet = () => {
      shop.rt.fake.actionSheet = (items) => items.indexOf('Pay');
    };
    payInTheSheet();
    await shop.openProduct('test-item');
    const deviceId = shop.rt.fake.stored('deviceId');
    expect(shop.rt.fake.requests.filter((r) => SESSION.test(r.path)).map((r) => r.body)).toEqual([{ authCode: `sandbox:${deviceId}` }]);
    await shop.rt.tap('onPay');
    const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');

    // Storage cleared (a new device, for the app): a new sandbox shopper with no orders.
    await shop.switchTo('second-device', null);
    payInTheSheet();
    expect(shownRefs(await openMyOrders())).toEqual([]);
    expect(shop.rt.fake.stored('deviceId')).not.toBe(deviceId);

    await shop.switchTo('phone-1');
    expect(shownRefs(await openMyOrders())).toEqual([paid.data.ref]);
  });

  it('a release build never falls back: the catalogue says it could not sign in, and Pay says so too', async () => {
    shop = await Shop.open({ mode: 'sandbox', shopper: null, envVersion: 'release' });
    shop.rt.launch();
    const home = await shop.until(PAGES.home, (data) => data.state === 'ready' && data.signInText !== '');
    expect(home.data.signInText).toBe(en.errorSignIn);
    await shop.openProduct('test-item');
    await shop.rt.tap('onPay');
    const product = await shop.until(PAGES.product, (data) => data.payError !== '');
    expect(product.data.payError).toBe(en.errorSignIn);
    expect(outcomes('POST', SESSION)).toEqual([]);
    expect(await shop.orderCount()).toBe(0);
  });
});

describe('My orders against the backend', () => {
  it('pages through more than one page of orders, newest first, and stops at the end', async () => {
    shop = await Shop.open();
    const refs: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      const { status, body } = await shop.asShopper('/api/orders', {
        body: { productId: 'test-item', quantity: 1 },
        headers: { 'idempotency-key': `paging-${i}` },
      });
      expect(status).toBe(201);
      refs.unshift((body.order as { merchantReference: string }).merchantReference);
    }
    const page = await openMyOrders();
    expect(shownRefs(page)).toEqual(refs.slice(0, 20));
    await shop.rt.reachBottom();
    expect(shownRefs(page)).toEqual(refs);
    expect(page.data.nextBefore).toBeNull();
    expect(shop.transport.to('GET', /^\/api\/orders(\?|$)/).map((e) => e.path)).toEqual(['/api/orders', `/api/orders?before=${refs[19]}`]);
  });
});
