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
  productName: 'Pinot',
  items: [{ productId: 'pinot', name: 'Pinot', quantity: 1, unitPrice: '120.00', lineTotal: '120.00' }],
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

type DeviceId = typeof import('../../utils/device-id');
type Payments = typeof import('../../utils/payment-store');

/** The module as a new launch of the app loads it (module state starts over). */
function fresh<T>(path: string): T {
  let mod: T | undefined;
  jest.isolateModules(() => {
    mod = require(path) as T;
  });
  return mod as T;
}
const freshDeviceId = (): DeviceId => fresh<DeviceId>('../../utils/device-id');
const freshPayments = (): Payments => fresh<Payments>('../../utils/payment-store');

function makeSetStorageThrow(): void {
  (fake.my as Record<string, unknown>).setStorageSync = () => {
    throw new Error('storage is full');
  };
}

function makeGetStorageThrow(): () => void {
  const original = fake.my.getStorageSync;
  (fake.my as Record<string, unknown>).getStorageSync = () => {
    throw new Error('broken');
  };
  return () => {
    (fake.my as Record<string, unknown>).getStorageSync = original;
  };
}

describe('ids', () => {
  it('makes v4-shaped UUIDs that differ', () => {
    const ids = Array.from({ length: 50 }, () => randomUuid());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('storage', () => {
  it('reads what is stored, and null for nothing', () => {
    expect(writeStorage('k', { a: 1 })).toBe(true);
    expect(readStorage('k')).toEqual({ ok: true, data: { a: 1 } });
    expect(readStorage('none')).toEqual({ ok: true, data: null });
  });

  it('reports a refused write, whether my.setStorageSync returns { success: false } or throws', () => {
    fake.storageFull = true;
    expect(writeStorage('k', 1)).toBe(false);
    expect(fake.stored('k')).toBeNull();
    makeSetStorageThrow();
    expect(writeStorage('k', 1)).toBe(false);
  });

  it('counts a runtime that returns nothing from setStorageSync as saved', () => {
    (fake.my as Record<string, unknown>).setStorageSync = () => undefined;
    expect(writeStorage('k', 1)).toBe(true);
  });

  it('reports a read that failed apart from an empty key, and never throws', () => {
    makeGetStorageThrow();
    expect(readStorage('k')).toEqual({ ok: false });
  });
});

describe('device id', () => {
  it('is created once, stored, and reused by the next launch', () => {
    const id = freshDeviceId().deviceId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.stored('deviceId')).toBe(id);
    expect(freshDeviceId().deviceId()).toBe(id);
  });

  it('replaces a stored value that is not an id', () => {
    fake.my.setStorageSync({ key: 'deviceId', data: { evil: true } } as never);
    const id = freshDeviceId().deviceId();
    expect(typeof id).toBe('string');
    expect(fake.stored('deviceId')).toBe(id);
  });

  it.each(['returns { success: false }', 'throws'])(
    'with storage full (setStorageSync %s) stays the same for the session, and is saved once storage has room',
    (how) => {
      const restore = fake.my.setStorageSync;
      if (how === 'throws') makeSetStorageThrow();
      else fake.storageFull = true;
      const device = freshDeviceId();
      const id = device.deviceId();
      expect(device.deviceId()).toBe(id);
      expect(fake.stored('deviceId')).toBeNull();

      (fake.my as Record<string, unknown>).setStorageSync = restore;
      fake.storageFull = false;
      expect(device.deviceId()).toBe(id);
      expect(fake.stored('deviceId')).toBe(id);
      // The next launch is the same device.
      expect(freshDeviceId().deviceId()).toBe(id);
    },
  );

  it('stops writing once the id is saved', () => {
    const device = freshDeviceId();
    device.deviceId();
    device.deviceId();
    expect(fake.callsTo('setStorageSync')).toHaveLength(1);
  });

  it('never writes over an id that storage could not read', () => {
    fake.my.setStorageSync({ key: 'deviceId', data: 'stored-device-0001' } as never);
    const readable = makeGetStorageThrow();
    const id = freshDeviceId().deviceId();
    expect(id).not.toBe('stored-device-0001');
    expect(fake.stored('deviceId')).toBe('stored-device-0001');
    readable();
    expect(freshDeviceId().deviceId()).toBe('stored-device-0001');
  });
});

describe('payment store', () => {
  const gatewaydata = { service: 'create_forex_trade_wap', out_trade_no: 'S1' };
  const item = (productId: string, quantity: number) => ({ productId, name: productId, quantity, unitPrice: '1.00', lineTotal: `${quantity}.00` });
  const created = (ref: string, mode: 'sandbox' | 'live' = 'live', productId = 'pinot', quantity = 1, more: Array<[string, number]> = []) => ({
    order: { ...ORDER, merchantReference: ref, items: [item(productId, quantity), ...more.map(([id, q]) => item(id, q))] },
    gatewaydata,
    mode,
  });
  const pinot = (quantity = 1) => [{ productId: 'pinot', quantity }];

  it("keeps, finds and forgets an order's payment data", () => {
    const store = createPaymentStore(() => 1);
    store.save(created('M1', 'sandbox'), false);
    expect(store.load('M1')).toEqual({ gatewaydata, mode: 'sandbox', lines: pinot(), forCart: false, savedAt: 1, lastCode: null });
    expect(Object.keys(store.load('M1')?.gatewaydata ?? {})).toEqual(['service', 'out_trade_no']);
    expect(store.load('M2')).toBeNull();
    store.forget('M1');
    expect(store.load('M1')).toBeNull();
  });

  it('remembers what the cashier last answered for an order it keeps', () => {
    const store = createPaymentStore(() => 1);
    store.save(created('M1'), false);
    store.recordCode('M1', '6001');
    store.recordCode('M1', '9000');
    store.recordCode('M2', '6001');
    expect(store.load('M1')?.lastCode).toBe('9000');
    expect(store.load('M2')).toBeNull();
  });

  it('finds the newest order kept for the same lines within a time window', () => {
    let now = 1000;
    const store = createPaymentStore(() => now);
    store.save(created('M1'), false);
    now = 2000;
    store.save(created('M2'), false);
    store.save(created('M3', 'live', 'pinot', 2), false);
    store.save(created('M4', 'live', 'ticket', 1), false);
    store.save(created('M5', 'live', 'pinot', 2, [['ticket', 3]]), true);
    now = 2500;
    expect(store.findRecent(pinot(1), 1000)).toBe('M2');
    expect(store.findRecent(pinot(2), 1000)).toBe('M3');
    expect(store.findRecent([{ productId: 'ticket', quantity: 3 }], 1000)).toBeNull();
    // The same cart in another order of lines; not a part of it, nor more of it.
    expect(store.findRecent([{ productId: 'ticket', quantity: 3 }, ...pinot(2)], 1000)).toBe('M5');
    expect(store.findRecent([{ productId: 'ticket', quantity: 3 }], 1000)).toBeNull();
    expect(store.findRecent([{ productId: 'ticket', quantity: 3 }, ...pinot(2), { productId: 'x', quantity: 1 }], 1000)).toBeNull();
    store.forget('M2');
    expect(store.findRecent(pinot(1), 1500)).toBe('M1');
    expect(store.findRecent(pinot(1), 1499)).toBeNull();
  });

  it('remembers which orders the cart pays for', () => {
    const store = createPaymentStore(() => 1);
    store.save(created('M1'), true);
    store.save(created('M2'), false);
    expect(store.load('M1')?.forCart).toBe(true);
    expect(store.load('M2')?.forCart).toBe(false);
    store.markForCart('M2');
    store.markForCart('M3');
    expect(store.load('M2')?.forCart).toBe(true);
    expect(store.load('M3')).toBeNull();
  });

  it('reads a payment kept before carts (one productId and quantity) as one line, not bought from the cart', () => {
    fake.my.setStorageSync({ key: 'pendingPayments', data: { M1: { gatewaydata, mode: 'live', productId: 'pinot', quantity: 2, savedAt: 1, lastCode: '6001' } } } as never);
    const store = createPaymentStore(() => 2);
    expect(store.load('M1')).toEqual({ gatewaydata, mode: 'live', lines: pinot(2), forCart: false, savedAt: 1, lastCode: '6001' });
    expect(store.findRecent(pinot(2), 10)).toBe('M1');
  });

  it(`keeps only the ${MAX_STORED_PAYMENTS} newest`, () => {
    let now = 0;
    const store = createPaymentStore(() => (now += 1));
    for (let i = 1; i <= MAX_STORED_PAYMENTS + 2; i += 1) store.save(created(`M${i}`), false);
    expect(store.load('M1')).toBeNull();
    expect(store.load('M2')).toBeNull();
    expect(store.load('M3')).not.toBeNull();
    expect(store.load(`M${MAX_STORED_PAYMENTS + 2}`)).not.toBeNull();
  });

  it('with storage full, keeps the payments in memory for the session, and saves them once storage has room', () => {
    const { createPaymentStore: newStore } = freshPayments();
    let now = 1;
    const store = newStore(() => now);
    store.save(created('M1'), false);
    fake.storageFull = true;
    now = 2;
    store.save(created('M2', 'sandbox'), false);
    store.recordCode('M2', '6001');
    expect(fake.stored('pendingPayments')).toEqual({ M1: expect.anything() });
    // Every page's store of this session sees them: pay again and "bought this recently" still work.
    const other = newStore(() => 3);
    expect(other.load('M2')).toMatchObject({ gatewaydata, mode: 'sandbox', lastCode: '6001' });
    expect(other.findRecent(pinot(), 10)).toBe('M2');
    other.forget('M1');
    expect(other.load('M1')).toBeNull();

    fake.storageFull = false;
    other.recordCode('M2', '9000');
    expect(Object.keys(fake.stored('pendingPayments') as object)).toEqual(['M2']);
    expect(freshPayments().createPaymentStore().load('M2')).toMatchObject({ lastCode: '9000' });
  });

  it('with setStorageSync throwing, keeps the payments in memory for the session', () => {
    const { createPaymentStore: newStore } = freshPayments();
    makeSetStorageThrow();
    newStore(() => 1).save(created('M1'), false);
    expect(newStore().load('M1')).toMatchObject({ gatewaydata });
  });

  it('never writes over payments that storage could not read', () => {
    createPaymentStore(() => 1).save(created('M1'), false);
    const { createPaymentStore: newStore } = freshPayments();
    const readable = makeGetStorageThrow();
    const store = newStore(() => 2);
    store.save(created('M2'), false);
    expect(store.load('M2')).not.toBeNull();
    readable();
    expect(Object.keys(fake.stored('pendingPayments') as object)).toEqual(['M1']);
  });

  it('ignores damaged entries', () => {
    fake.my.setStorageSync({ key: 'pendingPayments', data: { M1: { gatewaydata: 'x' }, M2: 5, M3: { gatewaydata, mode: 'live', savedAt: 1 } } } as never);
    expect(createPaymentStore().load('M1')).toBeNull();
    expect(createPaymentStore().load('M3')).toBeNull();
    fake.my.setStorageSync({ key: 'pendingPayments', data: 'garbage' } as never);
    expect(createPaymentStore().load('M1')).toBeNull();
  });
});
