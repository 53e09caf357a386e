// The cashier closes without a payment: the failure page says why, and paying again pays once.
import { waitFor } from '../support/wait';
import { MOVES, type CashierMove } from './support/fake-cashier';
import { PAGES, Shop, STATUS_CHECK } from './support/shop';

let shop: Shop;
beforeEach(async () => {
  shop = await Shop.open();
});
afterEach(() => shop.close());

describe.each<[string, CashierMove, string]>([
  ['6001 cancel', MOVES.cancel, 'You cancelled the payment.'],
  ['99 forgot password', MOVES.forgotPassword, 'The payment was interrupted (forgot password). Nothing was charged.'],
  ['4000 failure', MOVES.fail, 'The payment failed.'],
  ['6002 network error', MOVES.networkError, 'Network error. Check your connection and try again.'],
])('%s', (_name, move, reason) => {
  const failed = move === MOVES.fail;

  it('→ the failure page with the reason; pay again → paid, one paid order, charged once', async () => {
    shop.cashier.plays(move, MOVES.pay);
    await shop.openProduct('test-item');
    await shop.rt.tap('onPay');

    const failure = await shop.until(PAGES.result, (data) => data.state === 'failure');
    expect(failure.data).toMatchObject({ title: 'Payment not completed', message: reason, canPayAgain: true });
    // The page asks the server once, quietly, in case money moved after all; it did not.
    await waitFor(() => shop.transport.to('GET', STATUS_CHECK).length === 1, { description: 'the quiet check' });
    expect(shop.page.data.state).toBe('failure');
    const [first] = await shop.serverOrders();
    expect(first.status).toBe(failed ? 'failed' : 'pending');

    await shop.rt.tap('onPayAgain');
    const paid = await shop.until(PAGES.result, (data) => data.state === 'paid');
    expect(paid.data).toMatchObject({ title: 'Payment successful', amountText: 'NZ$0.01' });

    const orders = await shop.serverOrders();
    expect(orders.filter((o) => o.status === 'paid')).toHaveLength(1);
    expect(shop.cashier.charged).toEqual([orders[0].merchantReference]);
    const atLatipay = await shop.latipayOrders();
    expect(atLatipay.filter((o) => o.status === 'paid')).toHaveLength(1);
    const [firstPay, secondPay] = shop.rt.fake.tradePays;
    if (failed) {
      // A failed order can never be paid, so paying again is a new order.
      expect(orders.map((o) => o.status)).toEqual(['paid', 'failed']);
      expect(secondPay).not.toBe(firstPay);
      expect(await shop.latipayCalls()).toEqual({ create: 2, query: 2, refund: 0 });
    } else {
      // The same order, paid with the same Alipay order.
      expect(orders.map((o) => o.merchantReference)).toEqual([first.merchantReference]);
      expect(secondPay).toBe(firstPay);
      expect(await shop.latipayCalls()).toEqual({ create: 1, query: 2, refund: 0 });
    }
    expect(await shop.orderCount()).toBe(orders.length);
  });
});
