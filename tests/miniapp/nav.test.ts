import { ROUTES, orderPageUrl, pageUrl, readQuery, resultPageUrl } from '../../utils/nav';
import { createRuntime } from './harness';
import type { MiniRuntime } from './harness';
import * as fs from 'fs';
import * as path from 'path';

describe('routes', () => {
  it('are exactly the pages of app.json, home first', () => {
    const appJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../app.json'), 'utf8')) as { pages: string[] };
    expect(appJson.pages[0]).toBe(ROUTES.home);
    expect([...appJson.pages].sort()).toEqual(Object.values(ROUTES).sort());
  });

  it('build URLs with encoded queries', () => {
    expect(pageUrl(ROUTES.orders)).toBe('/pages/orders/orders');
    expect(resultPageUrl('M 1&x', '9000')).toBe('/pages/result/result?ref=M%201%26x&code=9000');
    expect(resultPageUrl('M1')).toBe('/pages/result/result?ref=M1');
    expect(orderPageUrl('M1')).toBe('/pages/order/order?ref=M1');
  });

  it('read query values, decoded once, whether the runtime decoded them or not', () => {
    expect(readQuery({ ref: 'M1' }, 'ref')).toBe('M1');
    expect(readQuery({ ref: 'M%201' }, 'ref')).toBe('M 1');
    expect(readQuery({ ref: '%E0%A4%A' }, 'ref')).toBe('%E0%A4%A');
    expect(readQuery({ ref: '' }, 'ref')).toBeNull();
    expect(readQuery({ ref: 5 }, 'ref')).toBeNull();
    expect(readQuery(undefined, 'ref')).toBeNull();
  });
});

describe('moving between pages', () => {
  let rt: MiniRuntime;
  afterEach(() => rt.dispose());

  it('openPage falls back to redirectTo when the stack is full', async () => {
    rt = createRuntime({ responder: () => ({ status: 200, body: { orders: [], products: [] } }) });
    rt.launch();
    for (let i = 1; i < 10; i += 1) rt.navigateTo('/pages/orders/orders');
    await rt.settle();
    rt.tap('onBackToShop'); // orders page: reLaunch home
    await rt.settle();
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index']);

    for (let i = 1; i < 10; i += 1) rt.navigateTo('/pages/orders/orders');
    const nav = require('../../utils/nav') as typeof import('../../utils/nav');
    nav.openPage('/pages/orders/orders');
    await rt.settle();
    expect(rt.stack).toHaveLength(10);
    expect(rt.fake.callsTo('redirectTo')).toEqual([{ url: '/pages/orders/orders' }]);
  });

  it('backOrHome goes back, or home from the first page', async () => {
    rt = createRuntime({ responder: () => ({ status: 200, body: { orders: [], products: [] } }) });
    rt.launch('/pages/product/product?id=nope');
    await rt.settle();
    rt.tap('onBack');
    await rt.settle();
    expect(rt.fake.callsTo('reLaunch')).toEqual([{ url: '/pages/index/index' }]);
    expect(rt.current().route).toBe('pages/index/index');
    rt.navigateTo('/pages/product/product?id=nope');
    await rt.settle();
    rt.tap('onBack');
    await rt.settle();
    expect(rt.fake.callsTo('navigateBack')).toEqual([{ delta: 1 }]);
    expect(rt.stack.map((p) => p.route)).toEqual(['pages/index/index']);
  });
});
