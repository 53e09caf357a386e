import * as fs from 'fs';
import * as path from 'path';
import { createRuntime, PRODUCTS, PROJECT_ROOT } from './harness';
import type { MiniRuntime } from './harness';
import { en } from '../../utils/strings-en';
import { zhCN } from '../../utils/strings-zh';

let rt: MiniRuntime;
afterEach(() => rt.dispose());

describe('price', () => {
  it('shows the amount with its currency and follows prop changes', () => {
    rt = createRuntime();
    const price = rt.mountComponent('components/price/price', { amount: '12.30', currency: 'NZD' });
    expect(price.instance.data.text).toBe('NZ$12.30');
    price.setProps({ amount: '0.01', currency: 'CNY' });
    expect(price.instance.data.text).toBe('¥0.01');
    price.unmount();
  });

  it('shows nothing without an amount', () => {
    rt = createRuntime();
    expect(rt.mountComponent('components/price/price').instance.data.text).toBe('');
  });
});

describe('status tag', () => {
  it.each([
    ['pending', en.status_pending, 'warning'],
    ['paid', en.status_paid, 'success'],
    ['failed', en.status_failed, 'danger'],
    ['create_failed', en.status_create_failed, 'danger'],
    ['creating', en.status_creating, 'primary'],
    ['partially_refunded', en.status_partially_refunded, 'primary'],
    ['refunded', en.status_refunded, 'primary'],
  ])('%s reads %p in %s', (status, label, color) => {
    rt = createRuntime();
    expect(rt.mountComponent('components/status-tag/status-tag', { status }).instance.data).toEqual({ label, color });
  });

  it('speaks Chinese and follows changes', () => {
    rt = createRuntime({ language: 'zh-Hans' });
    const tag = rt.mountComponent('components/status-tag/status-tag', { status: 'pending' });
    expect(tag.instance.data.label).toBe(zhCN.status_pending);
    tag.setProps({ status: 'paid' });
    expect(tag.instance.data).toEqual({ label: zhCN.status_paid, color: 'success' });
  });

  it('sets data only when the label or color changes', () => {
    rt = createRuntime();
    const tag = rt.mountComponent('components/status-tag/status-tag', { status: 'pending' });
    const setData = jest.spyOn(tag.instance, 'setData');
    tag.setProps({ status: 'pending' });
    tag.setProps({});
    expect(setData).not.toHaveBeenCalled();
    tag.setProps({ status: 'paid' });
    expect(setData).toHaveBeenCalledTimes(1);
  });

  it('shows an unknown status as it is', () => {
    rt = createRuntime();
    expect(rt.mountComponent('components/status-tag/status-tag', { status: 'weird' }).instance.data.label).toBe('weird');
  });
});

describe('product card', () => {
  it("tells its parent which product was tapped", () => {
    rt = createRuntime();
    const onSelect = jest.fn();
    const card = rt.mountComponent('components/product-card/product-card', { product: PRODUCTS[0], onSelect });
    rt.call(card.instance, 'onTap', {});
    expect(onSelect).toHaveBeenCalledWith(PRODUCTS[0].id);
  });

  it("gives screen readers its product and price as its label, in the phone's language", () => {
    rt = createRuntime();
    const card = rt.mountComponent('components/product-card/product-card', { product: PRODUCTS[0] });
    expect(card.instance.data.label).toBe('Pinot Noir, Otago, price NZ$120.00');
    card.setProps({ product: PRODUCTS[1] });
    expect(card.instance.data.label).toBe('Ticket, price NZ$0.01');
    rt.dispose();
    rt = createRuntime({ language: 'zh-Hans' });
    expect(rt.mountComponent('components/product-card/product-card', { product: PRODUCTS[1] }).instance.data.label).toBe('Ticket，价格 NZ$0.01');
  });

  it('does nothing without a product or a listener', () => {
    rt = createRuntime();
    const onSelect = jest.fn();
    rt.call(rt.mountComponent('components/product-card/product-card', { onSelect }).instance, 'onTap', {});
    rt.call(rt.mountComponent('components/product-card/product-card', { product: PRODUCTS[0] }).instance, 'onTap', {});
    expect(onSelect).not.toHaveBeenCalled();
  });
});

describe('product image', () => {
  const id = 'components/product-image/product-image';

  it('shows the picture over a placeholder of the first letter', () => {
    rt = createRuntime();
    const image = rt.mountComponent(id, { src: 'https://shop.example/p.png', name: 'pinot', size: 'small' });
    expect(image.instance.data).toMatchObject({ showPicture: true, initial: 'P' });
  });

  it('shows only the placeholder when the product has no picture', () => {
    rt = createRuntime();
    expect(rt.mountComponent(id, { src: null, name: 'Ticket' }).instance.data).toMatchObject({ showPicture: false, initial: 'T' });
    expect(rt.mountComponent(id, { src: '', name: 'Ticket' }).instance.data.showPicture).toBe(false);
  });

  it('falls back to the placeholder when the picture fails to load, and tries a new URL', () => {
    rt = createRuntime();
    const image = rt.mountComponent(id, { src: 'https://shop.example/broken.png', name: 'Tote' });
    rt.call(image.instance, 'onError', { detail: { errMsg: 'load failed' } });
    expect(image.instance.data.showPicture).toBe(false);
    image.setProps({ name: 'Tote bag' });
    expect(image.instance.data.showPicture).toBe(false);
    image.setProps({ src: 'https://shop.example/tote.png' });
    expect(image.instance.data.showPicture).toBe(true);
  });

  it('loads lazily, with a mode and sizes in rpx', () => {
    const read = (ext: string): string => fs.readFileSync(path.join(PROJECT_ROOT, `components/product-image/product-image.${ext}`), 'utf8');
    const axml = read('axml');
    expect(axml).toMatch(/<image[^>]*lazy-load="\{\{true\}\}"[^>]*onError="onError"/);
    expect(axml).toMatch(/<image[^>]*mode="aspectFill"/);
    const acss = read('acss');
    for (const size of ['small', 'medium', 'large']) expect(acss).toMatch(new RegExp(`\\.product-image-${size} \\{[^}]*height: \\d+rpx`));
  });
});

describe('cart entry', () => {
  const id = 'components/cart-entry/cart-entry';

  it('shows the number of items as a badge, none while the cart is empty, 99+ past 99', () => {
    rt = createRuntime();
    const entry = rt.mountComponent(id, { count: 0 });
    expect(entry.instance.data).toEqual({ title: en.cartTitle, badge: '', label: 'Cart (0)' });
    entry.setProps({ count: 3 });
    expect(entry.instance.data).toMatchObject({ badge: '3', label: 'Cart (3)' });
    entry.setProps({ count: 120 });
    expect(entry.instance.data).toMatchObject({ badge: '99+', label: 'Cart (120)' });
  });

  it('opens the cart when tapped, and speaks Chinese on a Chinese phone', () => {
    rt = createRuntime({ language: 'zh-Hans' });
    const onOpen = jest.fn();
    const entry = rt.mountComponent(id, { count: 2, onOpen });
    rt.call(entry.instance, 'onTap', {});
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(entry.instance.data).toMatchObject({ title: zhCN.cartTitle, label: '购物车（2 件商品）' });
  });
});
