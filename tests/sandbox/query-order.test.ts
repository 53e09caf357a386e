import { signSorted, verifyPaymentResult } from '../../server/latipay';
import { startSandbox } from '../../server/sandbox';
import { ACCOUNT, complete, createOrder, queryUrl, request } from './sandbox-client';

const CALLBACK = 'http://127.0.0.1:9/notify';

let sandbox: { url: string; close(): Promise<void> };
beforeAll(async () => {
  sandbox = await startSandbox({ ...ACCOUNT, port: 0 });
});
afterAll(() => sandbox.close());

const query = (reference: string, apiKey?: string, userId?: string) =>
  request('GET', queryUrl(sandbox.url, reference, apiKey, userId));

describe('GET /v2/transaction/:merchant_reference', () => {
  it('answers a pending order with the amount written as a 2-decimal JSON number and a verifiable signature', async () => {
    const { reference, orderId } = await createOrder(sandbox.url, CALLBACK, { amount: '120.00' });
    const answer = await query(reference);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"amount":120.00,');
    expect(answer.json).toEqual({
      code: 0,
      message: 'SUCCESS',
      messageCN: '操作成功',
      merchant_reference: reference,
      currency: 'NZD',
      amount: 120,
      payment_method: 'alipay',
      status: 'pending',
      pay_time: '',
      order_id: orderId,
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const signed = { merchant_reference: reference, payment_method: 'alipay', status: 'pending', currency: 'NZD', amount: '120.00' };
    expect(verifyPaymentResult(signed, answer.json.signature, ACCOUNT.apiKey)).toBe(true);
    // The reason the amount must be read as written: the parsed number signs differently.
    expect(verifyPaymentResult({ ...signed, amount: String(answer.json.amount) }, answer.json.signature, ACCOUNT.apiKey)).toBe(false);
  });

  it('answers a paid order with status paid and pay_time', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK, { amount: '0.10' });
    await complete(sandbox.url, reference, { notification: 'drop' });
    const answer = await query(reference);
    expect(answer.text).toContain('"amount":0.10,');
    expect(answer.json).toMatchObject({ code: 0, status: 'paid' });
    expect(answer.json.pay_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const signed = { merchant_reference: reference, payment_method: 'alipay', status: 'paid', currency: 'NZD', amount: '0.10' };
    expect(verifyPaymentResult(signed, answer.json.signature, ACCOUNT.apiKey)).toBe(true);
  });

  it.each(['failed', 'canceled'])('answers a %s order as failed, signed as failed', async (status) => {
    const { reference } = await createOrder(sandbox.url, CALLBACK, { amount: '3.00' });
    await complete(sandbox.url, reference, { status, notification: 'drop' });
    const answer = await query(reference);
    expect(answer.json).toMatchObject({ code: 0, status: 'failed', pay_time: '' });
    const signed = { merchant_reference: reference, payment_method: 'alipay', status: 'failed', currency: 'NZD', amount: '3.00' };
    expect(verifyPaymentResult(signed, answer.json.signature, ACCOUNT.apiKey)).toBe(true);
  });

  it('201 for an unknown order, correctly signed', async () => {
    const answer = await query('no-such-order');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 201 });
  });

  it('206 for a wrong signature, and for a signature made for another order', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    expect((await query(reference, 'wrong-key')).json.code).toBe(206);
    const other = signSorted({ merchant_reference: 'another', user_id: ACCOUNT.userId }, ACCOUNT.apiKey);
    const answer = await request('GET', `${sandbox.url}/v2/transaction/${reference}?user_id=${ACCOUNT.userId}&signature=${other}`);
    expect(answer.json.code).toBe(206);
    expect(answer.text).not.toContain(ACCOUNT.apiKey);
  });

  it('205 for an unknown user_id, 204 for a missing signature or user_id', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    expect((await query(reference, ACCOUNT.apiKey, 'U123')).json.code).toBe(205);
    expect((await request('GET', `${sandbox.url}/v2/transaction/${reference}?user_id=${ACCOUNT.userId}`)).json.code).toBe(204);
    expect((await request('GET', `${sandbox.url}/v2/transaction/${reference}?signature=abc`)).json.code).toBe(204);
  });

  it('207 for a parameter given twice', async () => {
    const { reference } = await createOrder(sandbox.url, CALLBACK);
    const url = `${queryUrl(sandbox.url, reference)}&user_id=${ACCOUNT.userId}`;
    expect((await request('GET', url)).json.code).toBe(207);
  });
});
