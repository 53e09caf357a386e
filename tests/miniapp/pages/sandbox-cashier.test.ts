// The pages with the sandbox cashier (backend mode `sandbox`) and without it (mode `live`).
import { createRuntime, FakeBackend } from '../harness';
import type { MiniRuntime } from '../harness';
import { en } from '../../../utils/strings-en';

let rt: MiniRuntime;
let backend: FakeBackend;
afterEach(() => rt.dispose());

function start(mode: 'sandbox' | 'live', language = 'en', envVersion: 'develop' | 'release' = 'develop'): void {
  backend = new FakeBackend({ mode });
  rt = createRuntime({ responder: backend.responder, language, envVersion });
}

async function payForTicket(): Promise<void> {
  rt.launch('/pages/product/product?id=ticket');
  await rt.settle();
  await rt.tap('onPay');
  await rt.settle();
}

const settleCalls = () => backend.requestsTo('POST', /^\/api\/sandbox\//);

it('sandbox: the shopper picks "Pay" in the sheet and sees the payment confirmed', async () => {
  start('sandbox');
  rt.fake.actionSheet = (items) => items.indexOf('Pay');
  await payForTicket();
  expect(rt.current().data).toMatchObject({ state: 'paid', title: 'Payment successful' });
  expect(settleCalls().map((r) => r.body)).toEqual([{ action: 'pay' }]);
  expect(rt.fake.tradePays).toEqual([]);
});

it('sandbox: the sheet speaks Chinese on a Chinese phone', async () => {
  start('sandbox', 'zh-Hans');
  rt.fake.actionSheet = (items) => items.indexOf('失败');
  await payForTicket();
  expect(rt.fake.callsTo('showActionSheet')).toEqual([
    {
      title: '沙箱收银台：不会真实扣款',
      items: ['支付', '取消', '失败', '处理中', '网络错误', '结果未知'],
      cancelButtonText: '关闭',
    },
  ]);
  expect(rt.current().data).toMatchObject({ state: 'failure', message: '支付失败。' });
});

it('sandbox: closing the sheet is a cancel; paying again opens the sheet again for the same order', async () => {
  start('sandbox');
  rt.fake.actionSheet = () => -1;
  await payForTicket();
  expect(rt.current().data).toMatchObject({ state: 'failure', message: 'You cancelled the payment.', canPayAgain: true });
  expect(settleCalls()).toEqual([]);

  rt.fake.actionSheet = (items) => items.indexOf('Processing');
  await rt.tap('onPayAgain');
  await rt.settle();
  expect(rt.current().data.state).toBe('paid');
  expect(rt.fake.callsTo('showActionSheet')).toHaveLength(2);
  expect(backend.createdOrders).toHaveLength(1);
  expect(rt.fake.tradePays).toEqual([]);
});

it('live: the cashier is my.tradePay, the sheet and the settle route are never used, paying again included', async () => {
  start('live');
  rt.fake.actionSheet = () => 0;
  const codes = ['6001', '9000'];
  rt.fake.cashier = () => ({ resultCode: codes.shift() ?? '6001' });
  backend.onRefresh = (order) => (rt.fake.tradePays.length === 2 ? 'paid' : order.status);
  await payForTicket();
  expect(rt.current().data.state).toBe('failure');
  await rt.tap('onPayAgain');
  await rt.settle();
  expect(rt.current().data.state).toBe('paid');
  expect(rt.fake.tradePays).toHaveLength(2);
  expect(rt.fake.callsTo('showActionSheet')).toEqual([]);
  expect(settleCalls()).toEqual([]);
});

it('a release build against a sandbox backend: the shopper is told it cannot take payments; no sheet, no cashier', async () => {
  start('sandbox', 'en', 'release');
  rt.fake.actionSheet = (items) => items.indexOf('Pay');
  await payForTicket();
  expect(rt.current().route).toBe('pages/product/product');
  expect(rt.current().data).toMatchObject({ paying: false, payError: en.errorSandboxInRelease });
  expect(rt.fake.callsTo('showToast')).toEqual([{ content: en.errorSandboxInRelease, type: 'fail' }]);
  expect(rt.fake.callsTo('showActionSheet')).toEqual([]);
  expect(rt.fake.tradePays).toEqual([]);
  expect(settleCalls()).toEqual([]);
});
