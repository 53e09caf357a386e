import { createHash } from 'node:crypto';
import { signSorted } from '../../server/latipay';
import { SANDBOX_ALIPAY_PARTNER_KEY, startSandbox } from '../../server/sandbox';
import { ACCOUNT, createBody, request } from './sandbox-client';

const CALLBACK = 'http://127.0.0.1:9/latipay/notify';
const GATEWAY_KEYS = [
  'service',
  'partner',
  '_input_charset',
  'sign_type',
  'sign',
  'notify_url',
  'return_url',
  'subject',
  'body',
  'out_trade_no',
  'currency',
  'total_fee',
  'supplier',
  'secondary_merchant_id',
  'secondary_merchant_name',
  'secondary_merchant_industry',
  'product_code',
  'app_pay',
];

let sandbox: { url: string; close(): Promise<void> };
beforeAll(async () => {
  sandbox = await startSandbox({ ...ACCOUNT, currency: 'AUD', port: 0 });
});
afterAll(() => sandbox.close());

const create = (body: unknown) => request('POST', `${sandbox.url}/v2/minialipay`, body);

/** Alipay's MD5 signing, written out here independently of the sandbox's code. */
function alipayMd5(params: Record<string, string>): string {
  const message = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHash('md5').update(message + SANDBOX_ALIPAY_PARTNER_KEY).digest('hex');
}

describe('POST /v2/minialipay, correctly signed', () => {
  it('creates an order with gatewaydata shaped like the reference example', async () => {
    const body = createBody(CALLBACK, { amount: '0.01', product_name: 'ticket' });
    const answer = await create(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 0, message: 'SUCCESS', messageCN: '操作成功' });
    const gateway = answer.json.gatewaydata;
    expect(Object.keys(gateway)).toEqual(GATEWAY_KEYS);
    expect(gateway).toMatchObject({
      service: 'create_forex_trade_wap',
      _input_charset: 'UTF-8',
      sign_type: 'MD5',
      subject: 'ticket',
      currency: 'AUD',
      total_fee: '0.01',
      secondary_merchant_id: ACCOUNT.walletId,
      app_pay: 'Y',
    });
    expect(Object.values(gateway).every((v) => typeof v === 'string')).toBe(true);
    expect(gateway.out_trade_no).toMatch(/^S\d{8}\d{8}$/);
    expect(gateway.out_trade_no.slice(1, 9)).toBe(new Date().toISOString().slice(0, 10).replace(/-/g, ''));
    expect(gateway.sign).toBe(alipayMd5(gateway));
    expect(answer.json.paydata.orderId).toBe(gateway.out_trade_no);
    expect(answer.json.paydata.customerOrderId).toMatch(/^[A-Za-z0-9]{10}$/);
  });

  it('gives every order its own Latipay order id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const answer = await create(createBody(CALLBACK));
      ids.add(answer.json.paydata.orderId);
    }
    expect(ids.size).toBe(5);
  });

  it('refuses a repeated merchant_reference and keeps the first order', async () => {
    const first = createBody(CALLBACK);
    const created = await create(first);
    expect(created.json.code).toBe(0);
    const again = await create(createBody(CALLBACK, { merchant_reference: first.merchant_reference, amount: '5.00' }));
    expect(again.status).toBe(200);
    expect(again.json.code).toBe(207);
    expect(again.json.message).toMatch(/merchant_reference .* already been used/);
    const state = await request('GET', `${sandbox.url}/sandbox/orders/${first.merchant_reference}`);
    expect(state.json.order).toMatchObject({ orderId: created.json.paydata.orderId, amount: '120.00' });
  });

  it('accepts payment_method when the merchant signed it too: every field sent is signed', async () => {
    const answer = await create(createBody(CALLBACK, { payment_method: 'alipay' }));
    expect(answer.json.code).toBe(0);
  });
});

describe('POST /v2/minialipay, bad requests get Latipay codes with HTTP 200', () => {
  async function expectCode(body: unknown, code: number, message?: RegExp) {
    const answer = await create(body);
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(code);
    expect(typeof answer.json.messageCN).toBe('string');
    if (message) expect(answer.json.message).toMatch(message);
    return answer;
  }

  it('204 for a missing, null or empty field, naming it', async () => {
    await expectCode(createBody(CALLBACK, { ip: undefined }), 204, /ip/);
    await expectCode({ ...createBody(CALLBACK), amount: null }, 204, /amount/);
    await expectCode(createBody(CALLBACK, { product_name: '' }), 204, /product_name/);
    await expectCode({ ...createBody(CALLBACK), signature: undefined }, 204, /signature/);
  });

  it('207 for a version other than "2.0"', async () => {
    await expectCode(createBody(CALLBACK, { version: '1.0' }), 207, /version/);
  });

  it.each(['1.234', '0.00', 'abc', '120', '-1.00', '1e2', ' 1.00'])('207 for amount %p', async (amount) => {
    await expectCode(createBody(CALLBACK, { amount }), 207, /amount/);
  });

  it.each(['122.122.122', '256.1.1.1', '::1', 'localhost', '01.2.3.4'])('207 for ip %p', async (ip) => {
    await expectCode(createBody(CALLBACK, { ip }), 207, /ip/);
  });

  it('207 for a callback_url that is not http(s)', async () => {
    await expectCode(createBody(CALLBACK, { callback_url: 'ftp://example.com/x' }), 207, /callback_url/);
  });

  it('207 for a field that is not a string', async () => {
    const fields = { ...createBody(CALLBACK), amount: 120 } as Record<string, unknown>;
    await expectCode({ ...fields, signature: signSorted(fields, ACCOUNT.apiKey) }, 207, /amount/);
  });

  it('207 for a body that is not a JSON object, or not JSON at all', async () => {
    await expectCode([createBody(CALLBACK)], 207);
    await expectCode('{"user_id": ', 207, /not valid JSON/);
  });

  it('207 for a body sent as text/plain', async () => {
    const answer = await request('POST', `${sandbox.url}/v2/minialipay`, JSON.stringify(createBody(CALLBACK)), {
      'content-type': 'text/plain',
    });
    expect(answer.json.code).toBe(207);
    expect(answer.json.message).toMatch(/content-type/);
  });

  it('205 for an unknown user_id', async () => {
    await expectCode(createBody(CALLBACK, { user_id: 'U999' }), 205);
  });

  it('450 for a wallet not assigned to the user', async () => {
    await expectCode(createBody(CALLBACK, { wallet_id: 'W999' }), 450);
  });

  it('206 for a wrong signature, without revealing the api key', async () => {
    const answer = await expectCode(createBody(CALLBACK, {}, 'some-other-key'), 206);
    expect(answer.text).not.toContain(ACCOUNT.apiKey);
    await expectCode({ ...createBody(CALLBACK), signature: 'abc' }, 206);
  });

  it('206 when payment_method is added to a body signed without it (the documented quirk)', async () => {
    await expectCode({ ...createBody(CALLBACK), payment_method: 'alipay' }, 206);
  });

  it('206 when a signed field is changed afterwards', async () => {
    await expectCode({ ...createBody(CALLBACK), amount: '1.00' }, 206);
  });
});
