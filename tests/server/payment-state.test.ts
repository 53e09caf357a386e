import type { OrderStatus } from '../../server/contract';
import { isPaymentOpen, nextStatus, outcomeOf } from '../../server/app/domain/payment-state';

const ALL: OrderStatus[] = ['creating', 'create_failed', 'pending', 'paid', 'failed', 'partially_refunded', 'refunded'];

describe('payment state machine', () => {
  it('maps Latipay statuses: canceled and rejected are failures, anything else unknown', () => {
    expect(['paid', 'failed', 'canceled', 'rejected', 'pending', 'PAID', ''].map(outcomeOf)).toEqual([
      'paid', 'failed', 'failed', 'failed', 'pending', null, null,
    ]);
  });

  it('applies paid to every order whose money has not moved, failed included', () => {
    expect(Object.fromEntries(ALL.map((s) => [s, nextStatus(s, 'paid')]))).toEqual({
      creating: 'paid',
      create_failed: 'paid',
      pending: 'paid',
      failed: 'paid',
      paid: null,
      partially_refunded: null,
      refunded: null,
    });
  });

  it('fails only a pending order, and pending changes nothing', () => {
    for (const status of ALL) {
      expect(nextStatus(status, 'failed')).toBe(status === 'pending' ? 'failed' : null);
      expect(nextStatus(status, 'pending')).toBeNull();
    }
  });

  it('asks Latipay again only about pending and failed orders', () => {
    expect(ALL.filter(isPaymentOpen)).toEqual(['pending', 'failed']);
  });
});
