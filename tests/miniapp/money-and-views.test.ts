import type { Order } from '../../server/contract';
import { formatCents, formatMoney, multiplyAmount, parseCents } from '../../utils/money';
import { formatDateTime, toOrderView } from '../../utils/order-view';
import { isFailedStatus, isPaidStatus } from '../../utils/order-status';

describe('money', () => {
  it.each([
    ['0.01', 1],
    ['120.00', 12000],
    ['19.99', 1999],
    ['0.10', 10],
  ])('parses %s as %d cents', (amount, cents) => {
    expect(parseCents(amount)).toBe(cents);
  });

  it.each(['1', '1.5', '1.234', '-1.00', '', ' 1.00', '1e2', 'abc'])('refuses %p', (amount) => {
    expect(parseCents(amount)).toBeNull();
  });

  it('formats cents with two decimals', () => {
    expect([0, 1, 10, 100, 12345].map(formatCents)).toEqual(['0.00', '0.01', '0.10', '1.00', '123.45']);
  });

  it('multiplies in cents, never in floats', () => {
    expect(multiplyAmount('0.10', 3)).toBe('0.30'); // 0.1 * 3 = 0.30000000000000004 in floats
    expect(multiplyAmount('19.99', 99)).toBe('1979.01');
    expect(multiplyAmount('1.00', 1.5)).toBeNull();
    expect(multiplyAmount('abc', 1)).toBeNull();
  });

  it('shows the currency', () => {
    expect(formatMoney('12.34', 'NZD')).toBe('NZ$12.34');
    expect(formatMoney('12.34', 'CNY')).toBe('¥12.34');
    expect(formatMoney('12.34', 'AUD')).toBe('A$12.34');
    expect(formatMoney('12.34', 'EUR')).toBe('EUR 12.34');
  });
});

describe('order view', () => {
  const order: Order = {
    merchantReference: 'M1',
    status: 'partially_refunded',
    amount: '138.00',
    currency: 'NZD',
    productName: 'Pinot ×2 +1 more',
    items: [
      { productId: 'pinot', name: 'Pinot', quantity: 2, unitPrice: '60.00', lineTotal: '120.00' },
      { productId: 'tote', name: 'Tote', quantity: 1, unitPrice: '18.00', lineTotal: '18.00' },
    ],
    latipayOrderId: 'S1',
    createdAt: '2025-01-02T03:04:05.000Z',
    paidAt: '2025-01-02T03:05:00.000Z',
    refundedAmount: '20.00',
    refunds: [{ id: 'R1', amount: '20.00', reason: 'broken cork', createdAt: '2025-01-03T00:00:00.000Z' }],
  };

  it('has every text the templates show', () => {
    expect(toOrderView(order)).toEqual({
      ref: 'M1',
      status: 'partially_refunded',
      productName: 'Pinot ×2 +1 more',
      lines: [
        { productId: 'pinot', label: 'Pinot × 2', lineTotalText: 'NZ$120.00' },
        { productId: 'tote', label: 'Tote × 1', lineTotalText: 'NZ$18.00' },
      ],
      amountText: 'NZ$138.00',
      refundedText: 'NZ$20.00',
      createdText: formatDateTime(order.createdAt),
      paidText: formatDateTime(order.paidAt as string),
      refunds: [{ id: 'R1', amountText: 'NZ$20.00', reason: 'broken cork', dateText: formatDateTime('2025-01-03T00:00:00.000Z') }],
    });
  });

  it('shows no refund and no payment time when there are none', () => {
    const view = toOrderView({ ...order, status: 'pending', paidAt: null, refundedAmount: '0.00', refunds: [] });
    expect(view.refundedText).toBeNull();
    expect(view.paidText).toBeNull();
  });

  it('formats times in local time, and shows an unreadable time as it came', () => {
    const date = new Date(2025, 0, 2, 3, 4);
    expect(formatDateTime(date.toISOString())).toBe('2025-01-02 03:04');
    expect(formatDateTime('yesterday')).toBe('yesterday');
  });
});

describe('order status', () => {
  it.each([
    ['creating', false, false],
    ['create_failed', false, true],
    ['pending', false, false],
    ['paid', true, false],
    ['failed', false, true],
    ['partially_refunded', true, false],
    ['refunded', true, false],
  ] as const)('%s: paid %p, failed %p', (status, paid, failed) => {
    expect(isPaidStatus(status)).toBe(paid);
    expect(isFailedStatus(status)).toBe(failed);
  });
});
