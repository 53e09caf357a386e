import { createRuntime, DEFAULT_ALIPAY_USER, FakeBackend } from '../harness';
import type { MiniRuntime, PageInstance } from '../harness';
import type { Order } from '../../../server/contract';
import { formatDateTime } from '../../../utils/order-view';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
  rt = createRuntime({ responder: backend.responder });
});
afterEach(() => rt.dispose());

async function open(ref: string): Promise<PageInstance> {
  const page = rt.launch(`/pages/order/order?ref=${ref}`);
  await rt.settle();
  return page;
}

/** An order bought on this phone and cancelled at the cashier: pending, payable here. */
async function cancelledHere(): Promise<Order> {
  rt.fake.cashier = () => ({ resultCode: '6001' });
  rt.launch('/pages/product/product?id=ticket');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
  return backend.createdOrders[0];
}

describe('order details', () => {
  it('shows status, amount, refunds and times', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, {
      status: 'partially_refunded',
      paidAt: '2025-01-02T04:00:00.000Z',
      refundedAmount: '20.00',
      refunds: [{ id: 'R1', amount: '20.00', reason: 'cork', createdAt: '2025-01-03T00:00:00.000Z' }],
    });
    const page = await open(order.merchantReference);
    expect(page.data).toMatchObject({
      state: 'ready',
      canPay: false,
      payElsewhere: false,
      order: {
        ref: order.merchantReference,
        status: 'partially_refunded',
        amountText: 'NZ$120.00',
        refundedText: 'NZ$20.00',
        paidText: formatDateTime('2025-01-02T04:00:00.000Z'),
        refunds: [{ id: 'R1', amountText: 'NZ$20.00', reason: 'cork', dateText: formatDateTime('2025-01-03T00:00:00.000Z') }],
      },
    });
    expect(backend.requestsTo('GET', /^\/api\/orders\//)[0].query).toEqual({});
    expect(rt.fake.callsTo('setNavigationBar')).toEqual([{ title: en.orderTitle }]);
  });

  it('shows each line: name × quantity and its total', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER, {
      amount: '240.03',
      productName: 'Pinot Noir, Otago ×2 +1 more',
      items: [
        { productId: 'pinot', name: 'Pinot Noir, Otago', quantity: 2, unitPrice: '120.00', lineTotal: '240.00' },
        { productId: 'ticket', name: 'Ticket', quantity: 3, unitPrice: '0.01', lineTotal: '0.03' },
      ],
    });
    const page = await open(order.merchantReference);
    expect(page.data.order).toMatchObject({
      amountText: 'NZ$240.03',
      lines: [
        { productId: 'pinot', label: 'Pinot Noir, Otago × 2', lineTotalText: 'NZ$240.00' },
        { productId: 'ticket', label: 'Ticket × 3', lineTotalText: 'NZ$0.03' },
      ],
    });
  });

  it('refreshes the status from Latipay on request', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const page = await open(order.merchantReference);
    backend.onRefresh = () => 'paid';
    const refreshing = rt.tap('onRefresh') as Promise<void>;
    expect(page.data.refreshing).toBe(true);
    await refreshing;
    expect(backend.requestsTo('GET', /^\/api\/orders\//)[1].query).toEqual({ refresh: 'true' });
    expect(page.data).toMatchObject({ refreshing: false, order: { status: 'paid' } });
  });

  it('keeps the order on screen when a refresh fails', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const page = await open(order.merchantReference);
    backend.once('GET', `/api/orders/${order.merchantReference}`, { networkError: true });
    await rt.tap('onRefresh');
    expect(page.data).toMatchObject({ state: 'ready', refreshing: false });
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorNetwork, type: 'fail' }]);
  });

  it('pays a pending order bought on this phone, with its own orderStr', async () => {
    const order = await cancelledHere();
    rt.reLaunch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    const page = rt.current();
    expect(page.data).toMatchObject({ canPay: true, payElsewhere: false });
    rt.fake.cashier = () => ({ resultCode: '9000' });
    backend.onRefresh = () => (rt.fake.tradePays.length >= 2 ? 'paid' : undefined);
    rt.tap('onPay');
    rt.tap('onPay');
    await rt.settle();
    expect(rt.fake.tradePays).toEqual([rt.fake.tradePays[0], rt.fake.tradePays[0]]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(rt.current().route).toBe('pages/result/result');
    expect(rt.current().data.state).toBe('paid');

    // Back on the details, the new status shows and paying is over.
    rt.navigateBack(1);
    await rt.settle();
    expect(page.data).toMatchObject({ canPay: false, paying: false, order: { status: 'paid' } });
  });

  it('is hidden by the cashier and shown again without reloading mid-payment', async () => {
    const order = await cancelledHere();
    rt.reLaunch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    const page = rt.current();
    const hooks: string[] = [];
    for (const hook of ['onHide', 'onShow']) {
      const original = page[hook] as ((...a: unknown[]) => unknown) | undefined;
      page[hook] = function (this: unknown, ...args: unknown[]) {
        hooks.push(hook);
        return original?.apply(this, args);
      };
    }
    const reads = (): number => backend.requestsTo('GET', `/api/orders/${order.merchantReference}`).filter((r) => !r.query.refresh).length;
    const before = reads();
    rt.fake.cashier = () => ({ resultCode: '6001' });
    await rt.tap('onPay');
    await rt.settle();
    expect(hooks.slice(0, 2)).toEqual(['onHide', 'onShow']);
    expect(reads()).toBe(before);
  });

  it('keeps the payment data of a failed order (it may still turn paid), forgets it once paid', async () => {
    const order = await cancelledHere();
    backend.setStatus(order.merchantReference, 'failed');
    rt.reLaunch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    expect(rt.current().data).toMatchObject({ canPay: false, payElsewhere: false, order: { status: 'failed' } });
    expect(rt.fake.stored('pendingPayments')).toHaveProperty(order.merchantReference);

    backend.setStatus(order.merchantReference, 'paid');
    await rt.tap('onRefresh');
    expect(rt.fake.stored('pendingPayments')).toEqual({});
  });

  it('explains that an order started elsewhere cannot be paid here', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    const page = await open(order.merchantReference);
    expect(page.data).toMatchObject({ canPay: false, payElsewhere: true });
    await rt.tap('onPay');
    expect(rt.fake.tradePays).toEqual([]);
  });

  it('when paying turns out impossible, says why and shows the fresh status', async () => {
    const order = await cancelledHere();
    rt.reLaunch(`/pages/order/order?ref=${order.merchantReference}`);
    await rt.settle();
    backend.setStatus(order.merchantReference, 'creating');
    await rt.tap('onPay');
    await rt.settle();
    expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorOrderNotReady, type: 'fail' }]);
    expect(rt.current().data).toMatchObject({ paying: false, canPay: false, order: { status: 'creating' } });
    expect(rt.fake.tradePays).toHaveLength(1);
  });

  it('shows a load error and retries', async () => {
    const order = backend.addOrder(DEFAULT_ALIPAY_USER);
    backend.once('GET', `/api/orders/${order.merchantReference}`, { status: 200, raw: 'not json' });
    const page = await open(order.merchantReference);
    expect(page.data).toMatchObject({ state: 'error', errorText: en.errorMalformed });
    rt.tap('onRetry');
    await rt.settle();
    expect(page.data.state).toBe('ready');
  });

  it('an unknown or missing reference', async () => {
    expect((await open('NOPE')).data).toMatchObject({ state: 'error', errorText: en.errorNotFound });
    rt.reLaunch('/pages/order/order');
    await rt.settle();
    expect(rt.current().data).toMatchObject({ state: 'error', errorText: en.errorNotFound });
  });
});
