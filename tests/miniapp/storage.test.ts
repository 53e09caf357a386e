import type { Order } from '../../server/contract';
import { randomUuid } from '../../utils/ids';
import { createPaymentStore, MAX_STORED_PAYMENTS } from '../../utils/payment-store';
import { readStorage, writeStorage } from '../../utils/storage';
import { installFakeMy } from './harness';
import type { FakeMy } from './harness';

const ORDER: Order = {
  merchantReference: 'M0',
  status: 'pending',
  amount: '120.00',
  currency: 'NZD',
  productId: 'pinot',
  productName: 'Pinot',
  quantity: 1,
  latipayOrderId: 'S1',
  createdAt: '2025-01-01T00:00:00Z',
  paidAt: null,
  refundedAmount: '0.00',
  refunds: [],
};

let fake: FakeMy;
let uninstall: () => void;
beforeEach(() => {
  ({ fake, uninstall } = installFakeMy());
});
afterEach(() => uninstall());

type Buyer = typeof import('../../utils/buyer');
function freshBuyer(): Buyer {
  let mod: Buyer | undefined;
  jest.isolateModules(() => {
    mod = require('../../utils/buyer') as Buyer;
  });
  return mod as Buyer;
}

describe('ids', () => {
  it('makes v4-shaped UUIDs that differ', () => {
    const ids = Array.from({ length: 50 }, () => randomUuid());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('storage', () => {
  it('never throws', () => {
    fake.storageFull = true;
    expect(writeStorage('k', 1)).toBe(false);
    (fake.my as Record<string, unknown>).getStorageSync = () => {
      throw new Error('broken');
    };
    expect(readStorage('k')).toBeNull();
  });
});

describe('buyer id', () => {
  it('is created once, stored, and reused by the next launch', () => {
    const id = freshBuyer().buyerId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.stored('buyerId')).toBe(id);
    expect(freshBuyer().buyerId()).toBe(id);
  });

  it('replaces a stored value that is not an id', () => {
    fake.my.setStorageSync({ key: 'buyerId', data: { evil: true } } as never);
    const id = freshBuyer().buyerId();
    expect(typeof id).toBe('string');
    expect(fake.stored('buyerId')).toBe(id);
  });

  it('stays the same for the session when storage is full', () => {
    fake.storageFull = true;
    const buyer = freshBuyer();
    expect(buyer.buyerId()).toBe(buyer.buyerId());
  });
});

describe('payment store', () => {
  const gatewaydata = { service: 'create_forex_trade_wap', out_trade_no: 'S1' };
  const created = (ref: string, mode: 'sandbox' | 'live' = 'live', productId = 'pinot', quantity = 1) => ({
    order: { ...ORDER, merchantReference: ref, productId, quantity },
    gatewaydata,
    mode,
  });

  it("keeps, finds and forgets an order's payment data", () => {
    const store = createPaymentStore(() => 1);
    store.save(created('M1', 'sandbox'));
    expect(store.load('M1')).toEqual({ gatewaydata, mode: 'sandbox', productId: 'pinot', quantity: 1, savedAt: 1, lastCode: null });
    expect(Object.keys(store.load('M1')?.gatewaydata ?? {})).toEqual(['service', 'out_trade_no']);
    expect(store.load('M2')).toBeNull();
    store.forget('M1');
    expect(store.load('M1')).toBeNull();
  });

  it('remembers what the cashier last answered for an order it keeps', () => {
    const store = createPaymentStore(() => 1);
    store.save(created('M1'));
    store.recordCode('M1', '6001');
    store.recordCode('M1', '9000');
    store.recordCode('M2', '6001');
    expect(store.load('M1')?.lastCode).toBe('9000');
    expect(store.load('M2')).toBeNull();
  });

  it('finds the newest order kept for a product and quantity within a time window', () => {
    let now = 1000;
    const store = createPaymentStore(() => now);
    store.save(created('M1'));
    now = 2000;
    store.save(created('M2'));
    store.save(created('M3', 'live', 'pinot', 2));
    store.save(created('M4', 'live', 'ticket', 1));
    now = 2500;
    expect(store.findRecent('pinot', 1, 1000)).toBe('M2');
    expect(store.findRecent('pinot', 2, 1000)).toBe('M3');
    expect(store.findRecent('ticket', 3, 1000)).toBeNull();
    store.forget('M2');
    expect(store.findRecent('pinot', 1, 1500)).toBe('M1');
    expect(store.findRecent('pinot', 1, 1499)).toBeNull();
  });

  it(`keeps only the ${MAX_STORED_PAYMENTS} newest`, () => {
    let now = 0;
    const store = createPaymentStore(() => (now += 1));
    for (let i = 1; i <= MAX_STORED_PAYMENTS + 2; i += 1) store.save(created(`M${i}`));
    expect(store.load('M1')).toBeNull();
    expect(store.load('M2')).toBeNull();
    expect(store.load('M3')).not.toBeNull();
    expect(store.load(`M${MAX_STORED_PAYMENTS + 2}`)).not.toBeNull();
  });

  it('ignores damaged entries', () => {
    fake.my.setStorageSync({ key: 'pendingPayments', data: { M1: { gatewaydata: 'x' }, M2: 5, M3: { gatewaydata, mode: 'live', savedAt: 1 } } } as never);
    expect(createPaymentStore().load('M1')).toBeNull();
    expect(createPaymentStore().load('M3')).toBeNull();
    fake.my.setStorageSync({ key: 'pendingPayments', data: 'garbage' } as never);
    expect(createPaymentStore().load('M1')).toBeNull();
  });
});
