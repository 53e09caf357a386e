// The sandbox cashier (utils/sandbox-cashier.ts) and the choice between it and my.tradePay.
import type { CreateOrderResponse, Order, SandboxCashierAction } from '../../server/contract';
import { createApiClient } from '../../utils/api';
import { Checkout, CheckoutError } from '../../utils/checkout';
import { payByMode } from '../../utils/pay-by-mode';
import { buildOrderStr, PaymentError } from '../../utils/payment';
import { createPaymentStore } from '../../utils/payment-store';
import { CASHIER_NOT_RUN } from '../../utils/result-code';
import { createSessionKeeper } from '../../utils/session';
import { paySandbox, SANDBOX_ACTIONS } from '../../utils/sandbox-cashier';
import type { SettleSandboxOrder } from '../../utils/sandbox-cashier';
import { en } from '../../utils/strings-en';
import { FakeBackend, gatewaydataFor, installFakeMy } from './harness';
import type { FakeMy } from './harness';

const ORDER = { merchantReference: 'M1', latipayOrderId: 'S1', productName: 'Ticket', currency: 'NZD', amount: '0.01' } as Order;
const ITEMS = ['Pay', 'Cancel', 'Fail', 'Processing', 'Network error', 'Unknown'];
const CODES: Record<SandboxCashierAction, string> = {
  pay: '9000',
  cancel: '6001',
  fail: '4000',
  processing: '8000',
  network_error: '6002',
  unknown: '6004',
};

function created(mode: 'sandbox' | 'live'): CreateOrderResponse {
  return { order: ORDER, gatewaydata: gatewaydataFor(ORDER), mode };
}

let fake: FakeMy;
let uninstall: () => void;
let settled: Array<[string, SandboxCashierAction]>;
const settle: SettleSandboxOrder = async (ref, action) => {
  settled.push([ref, action]);
  return { resultCode: CODES[action], order: ORDER };
};

beforeEach(() => {
  settled = [];
  ({ fake, uninstall } = installFakeMy());
});
afterEach(() => uninstall());

describe('paySandbox', () => {
  it('offers the six actions, in English here, as a sandbox cashier', async () => {
    fake.actionSheet = () => 0;
    await paySandbox('M1', settle);
    expect(fake.callsTo('showActionSheet')).toEqual([{ title: en.sandboxCashierTitle, items: ITEMS, cancelButtonText: 'Close' }]);
  });

  it.each(SANDBOX_ACTIONS.map((action, index) => [action, index] as const))(
    '%s (item %i) settles the order so and answers the code my.tradePay would',
    async (action, index) => {
      fake.actionSheet = () => index;
      await expect(paySandbox('M1', settle)).resolves.toEqual({ resultCode: CODES[action] });
      expect(settled).toEqual([['M1', action]]);
      expect(fake.tradePays).toEqual([]);
    },
  );

  it('dismissing the sheet is a cancel (6001) and settles nothing', async () => {
    fake.actionSheet = () => -1;
    await expect(paySandbox('M1', settle)).resolves.toEqual({ resultCode: '6001' });
    expect(settled).toEqual([]);
  });

  it('an index outside the items is a dismissal too', async () => {
    fake.actionSheet = () => 6;
    await expect(paySandbox('M1', settle)).resolves.toEqual({ resultCode: '6001' });
    expect(settled).toEqual([]);
  });

  it('a settle call that fails is a cashier that could not run (PaymentError)', async () => {
    fake.actionSheet = () => 0;
    const failing: SettleSandboxOrder = async () => {
      throw new Error('offline');
    };
    const error = await paySandbox('M1', failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentError);
    expect(error).toMatchObject({ kind: 'sandbox_cashier_failed', errorCode: null });
  });

  it('an action sheet that cannot open is a PaymentError', async () => {
    (fake.my as Record<string, unknown>).showActionSheet = (options: { fail?: (e: unknown) => void }) => {
      options.fail?.({ error: 2, errorMessage: 'bad parameters' });
    };
    await expect(paySandbox('M1', settle)).rejects.toMatchObject({ kind: 'sandbox_cashier_failed', message: 'bad parameters' });
    expect(settled).toEqual([]);
  });
});

describe('payByMode', () => {
  it('live: my.tradePay with the orderStr; the sandbox cashier cannot be reached', async () => {
    fake.actionSheet = () => 0;
    fake.cashier = () => ({ resultCode: '9000' });
    const orderStr = buildOrderStr(created('live').gatewaydata);
    await expect(payByMode(settle)(orderStr, created('live'))).resolves.toEqual({ resultCode: '9000' });
    expect(fake.tradePays).toEqual([orderStr]);
    expect(fake.callsTo('showActionSheet')).toEqual([]);
    expect(settled).toEqual([]);
  });

  it.each(['develop', 'trial'] as const)('sandbox (%s build): the action sheet and the settle call, never my.tradePay', async (envVersion) => {
    fake.envVersion = envVersion;
    fake.actionSheet = () => 3;
    await expect(payByMode(settle)('x=1', created('sandbox'))).resolves.toEqual({ resultCode: '8000' });
    expect(settled).toEqual([['M1', 'processing']]);
    expect(fake.tradePays).toEqual([]);
  });

  it.each(['release', 'gray'] as const)('sandbox in a %s build: refused, neither the sheet nor my.tradePay', async (envVersion) => {
    fake.envVersion = envVersion;
    fake.actionSheet = () => 0;
    await expect(payByMode(settle)('x=1', created('sandbox'))).rejects.toMatchObject({ kind: 'sandbox_in_release' });
    expect(fake.callsTo('showActionSheet')).toEqual([]);
    expect(fake.tradePays).toEqual([]);
    expect(settled).toEqual([]);
  });
});

describe('the checkout by the backend mode', () => {
  let backend: FakeBackend;
  const settleRequests = () => backend.requestsTo('POST', /^\/api\/sandbox\//);

  beforeEach(() => {
    jest.useFakeTimers();
    backend = new FakeBackend();
    fake.responder = backend.responder;
  });
  afterEach(() => jest.useRealTimers());

  const checkout = () => new Checkout({ api: createApiClient(undefined, createSessionKeeper()) });

  it('live: pays at the cashier; no action sheet, no settle call, also when paying again', async () => {
    fake.actionSheet = () => 0;
    fake.cashier = () => ({ resultCode: '6001' });
    const first = await checkout().buy([{ productId: 'ticket', quantity: 1 }]);
    expect(first).toMatchObject({ kind: 'result', code: '6001' });
    if (first.kind !== 'result') throw new Error('no result');
    expect(createPaymentStore().load(first.ref)?.mode).toBe('live');
    await expect(checkout().payAgain(first.ref)).resolves.toMatchObject({ kind: 'result', code: '6001' });
    expect(fake.tradePays).toHaveLength(2);
    expect(fake.callsTo('showActionSheet')).toEqual([]);
    expect(settleRequests()).toEqual([]);
  });

  it('sandbox: the action sheet settles through the backend and the code goes to the result page', async () => {
    backend.mode = 'sandbox';
    fake.actionSheet = () => 0;
    const step = await checkout().buy([{ productId: 'ticket', quantity: 2 }]);
    const [order] = backend.createdOrders;
    expect(step).toEqual({
      kind: 'result',
      ref: order.merchantReference,
      code: '9000',
      url: `/pages/result/result?ref=${order.merchantReference}&code=9000`,
    });
    expect(settleRequests().map((r) => r.body)).toEqual([{ action: 'pay' }]);
    expect(fake.tradePays).toEqual([]);
  });

  it('sandbox: paying again for a stored pending order keeps the sandbox cashier', async () => {
    backend.mode = 'sandbox';
    fake.actionSheet = () => -1;
    const first = await checkout().buy([{ productId: 'ticket', quantity: 1 }]);
    expect(first).toMatchObject({ kind: 'result', code: '6001' });
    if (first.kind !== 'result') throw new Error('no result');
    expect(createPaymentStore().load(first.ref)?.mode).toBe('sandbox');
    fake.actionSheet = () => 0;
    await expect(checkout().payAgain(first.ref)).resolves.toMatchObject({ kind: 'result', code: '9000' });
    expect(fake.callsTo('showActionSheet')).toHaveLength(2);
    expect(fake.tradePays).toEqual([]);
    expect(backend.createdOrders).toHaveLength(1);
    expect(settleRequests().map((r) => r.body)).toEqual([{ action: 'pay' }]);
  });

  it('sandbox: a settle call the backend refuses leads to the result page as a cashier failure', async () => {
    backend.mode = 'sandbox';
    fake.actionSheet = () => 0;
    backend.once('POST', /\/settle$/, { status: 409, body: { error: { code: 'order_not_pending', message: 'paid' } } });
    await expect(checkout().buy([{ productId: 'ticket', quantity: 1 }])).resolves.toMatchObject({ kind: 'result', code: CASHIER_NOT_RUN });
  });

  it('a release build never pays a sandbox order: a clear error, no sheet, no my.tradePay, no settle call', async () => {
    fake.envVersion = 'release';
    backend.mode = 'sandbox';
    fake.actionSheet = () => 0;
    const step = await checkout().buy([{ productId: 'ticket', quantity: 1 }]);
    expect(step).toMatchObject({ kind: 'error', error: { kind: 'sandbox_in_release' } });
    expect((step as { error: unknown }).error).toBeInstanceOf(CheckoutError);
    expect(fake.callsTo('showActionSheet')).toEqual([]);
    expect(fake.tradePays).toEqual([]);
    expect(settleRequests()).toEqual([]);
  });

  it('nor pays again, in a release build, a sandbox order stored by a develop build', async () => {
    backend.mode = 'sandbox';
    fake.actionSheet = () => -1;
    const first = await checkout().buy([{ productId: 'ticket', quantity: 1 }]);
    if (first.kind !== 'result') throw new Error('no result');
    fake.envVersion = 'release';
    fake.actionSheet = () => 0;
    await expect(checkout().payAgain(first.ref)).resolves.toMatchObject({ kind: 'error', error: { kind: 'sandbox_in_release' } });
    expect(fake.callsTo('showActionSheet')).toHaveLength(1);
    expect(fake.tradePays).toEqual([]);
    expect(settleRequests()).toEqual([]);
  });
});
