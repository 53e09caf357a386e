import { createRuntime, PRODUCTS } from './harness';
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
