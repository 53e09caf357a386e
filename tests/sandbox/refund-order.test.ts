import { startSandbox } from '../../server/sandbox';
import { ACCOUNT, complete, createOrder, orderState, refundBody, request } from './sandbox-client';

const CALLBACK = 'http://127.0.0.1:9/notify';

let sandbox: { url: string; close(): Promise<void> };
beforeAll(async () => {
  sandbox = await startSandbox({ ...ACCOUNT, port: 0 });
});
afterAll(() => sandbox.close());

const refund = (body: unknown) => request('POST', `${sandbox.url}/refund`, body);

async function paidOrder(amount = '120.00') {
  const order = await createOrder(sandbox.url, CALLBACK, { amount });
  await complete(sandbox.url, order.reference, { notification: 'drop' });
  return order;
}

describe('POST /refund', () => {
  it('refunds a paid order in full and records it', async () => {
    const { reference, orderId } = await paidOrder('120.00');
    const answer = await refund(refundBody(orderId, '120.00', 'notes about this refund'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code: 0, message: '' });
    const order = await orderState(sandbox.url, reference);
    expect(order.refundedAmount).toBe('120.00');
    expect(order.refunds).toEqual([{ amount: '120.00', reference: 'notes about this refund', at: expect.any(String) }]);
    expect(order.status).toBe('paid');
  });

  it('refunds partly, up to the refundable balance', async () => {
    const { reference, orderId } = await paidOrder('10.00');
    expect((await refund(refundBody(orderId, '2.50'))).json.code).toBe(0);
    expect((await refund(refundBody(orderId, '7.51'))).json).toMatchObject({
      code: 550,
      message: expect.stringContaining('7.50'),
    });
    expect((await refund(refundBody(orderId, '7.50'))).json.code).toBe(0);
    const order = await orderState(sandbox.url, reference);
    expect(order.refundedAmount).toBe('10.00');
    expect(order.refunds.map((r: { amount: string }) => r.amount)).toEqual(['2.50', '7.50']);
  });

  it('550 for more than the order amount, changing nothing', async () => {
    const { reference, orderId } = await paidOrder('5.00');
    expect((await refund(refundBody(orderId, '5.01'))).json.code).toBe(550);
    expect((await orderState(sandbox.url, reference)).refunds).toEqual([]);
  });

  it('562 once the order is fully refunded', async () => {
    const { orderId } = await paidOrder('1.00');
    expect((await refund(refundBody(orderId, '1.00'))).json.code).toBe(0);
    expect((await refund(refundBody(orderId, '0.01'))).json.code).toBe(562);
  });

  it('551 for an unknown order id', async () => {
    expect((await refund(refundBody('S2099010100000001', '1.00'))).json.code).toBe(551);
  });

  it('refuses to refund an order that is not paid', async () => {
    const pending = await createOrder(sandbox.url, CALLBACK);
    const answer = await refund(refundBody(pending.orderId, '1.00'));
    expect(answer.json.code).toBe(550);
    expect(answer.json.message).toMatch(/pending/);
    const failed = await createOrder(sandbox.url, CALLBACK);
    await complete(sandbox.url, failed.reference, { status: 'failed', notification: 'drop' });
    expect((await refund(refundBody(failed.orderId, '1.00'))).json.code).toBe(550);
    expect((await orderState(sandbox.url, failed.reference)).refunds).toEqual([]);
  });

  it.each(['0.00', '-1.00', 'abc', '1.234', ''])('rejects refund_amount %p', async (amount) => {
    const { orderId } = await paidOrder();
    const answer = await refund(refundBody(orderId, amount));
    expect(answer.json.code).toBe(amount === '' ? 204 : 550);
  });

  it('206 for a wrong signature, 205 for an unknown user', async () => {
    const { reference, orderId } = await paidOrder();
    expect((await refund({ ...refundBody(orderId, '1.00'), refund_amount: '100.00' })).json.code).toBe(206);
    expect((await refund({ ...refundBody(orderId, '1.00'), user_id: 'U1' })).json.code).toBe(205);
    expect((await orderState(sandbox.url, reference)).refunds).toEqual([]);
  });

  it('550 for a body that is not a JSON object', async () => {
    expect((await refund('[1,2]')).json.code).toBe(550);
    expect((await refund('{nope')).json.code).toBe(550);
  });
});
