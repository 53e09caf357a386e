import { buildOrderStr, isPaymentError, PaymentError, tradePay } from '../../utils/payment';
import { installFakeMy } from './harness';
import type { FakeMy } from './harness';
import type { GatewayData } from '../../server/contract';

// The gatewaydata of Latipay's own sample (docs: Alipay mini app page), in its order.
const LATIPAY_SAMPLE: GatewayData = {
  service: 'create_forex_trade_wap',
  partner: '2088121611339960',
  _input_charset: 'UTF-8',
  sign_type: 'MD5',
  sign: 'e2d8f08e5b468ee40e076f928665f662',
  notify_url: 'https://api-staging.latipay.net/notify/alipay',
  return_url: 'https://api-staging.latipay.net/notify/sync/alipay',
  subject: 'ticket',
  body: '5399',
  out_trade_no: 'S2020072900000036',
  currency: 'NZD',
  total_fee: '0.01',
  supplier: 'Latipay Test',
  secondary_merchant_id: 'W000001685',
  secondary_merchant_name: 'Latipay Test',
  secondary_merchant_industry: '5399',
  product_code: 'NEW_WAP_OVERSEAS_SELLER',
  app_pay: 'Y',
};

describe('buildOrderStr', () => {
  it("builds Latipay's orderStr: k=v in the order received, joined by &", () => {
    expect(buildOrderStr(LATIPAY_SAMPLE)).toBe(
      'service=create_forex_trade_wap&partner=2088121611339960&_input_charset=UTF-8&sign_type=MD5' +
        '&sign=e2d8f08e5b468ee40e076f928665f662&notify_url=https://api-staging.latipay.net/notify/alipay' +
        '&return_url=https://api-staging.latipay.net/notify/sync/alipay&subject=ticket&body=5399' +
        '&out_trade_no=S2020072900000036&currency=NZD&total_fee=0.01&supplier=Latipay Test' +
        '&secondary_merchant_id=W000001685&secondary_merchant_name=Latipay Test' +
        '&secondary_merchant_industry=5399&product_code=NEW_WAP_OVERSEAS_SELLER&app_pay=Y',
    );
  });

  it('equals the expression on the Latipay page for the same data', () => {
    const latipayPage = Object.keys(LATIPAY_SAMPLE)
      .map((item) => `${item}=${LATIPAY_SAMPLE[item]}`)
      .join('&');
    expect(buildOrderStr(LATIPAY_SAMPLE)).toBe(latipayPage);
  });

  it('keeps the received key order (not sorted) and encodes nothing', () => {
    expect(buildOrderStr({ z: '1', a: 'x y&=%/中文' })).toBe('z=1&a=x y&=%/中文');
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', {}],
    ['an array', [] as unknown as GatewayData],
  ])('refuses gatewaydata that is %s', (_label, gatewaydata) => {
    let thrown: unknown;
    try {
      buildOrderStr(gatewaydata as GatewayData | null | undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PaymentError);
    expect(isPaymentError(thrown)).toBe(true);
    expect((thrown as PaymentError).kind).toBe('invalid_gatewaydata');
  });
});

describe('tradePay', () => {
  let fake: FakeMy;
  let uninstall: () => void;
  beforeEach(() => {
    ({ fake, uninstall } = installFakeMy());
  });
  afterEach(() => uninstall());

  it('passes orderStr to my.tradePay and resolves with the result code as a string', async () => {
    fake.cashier = () => ({ resultCode: '9000' });
    await expect(tradePay('a=1&b=2')).resolves.toEqual({ resultCode: '9000' });
    expect(fake.callsTo('tradePay')).toEqual([{ orderStr: 'a=1&b=2' }]);
  });

  it('turns a numeric result code into a string', async () => {
    fake.cashier = () => ({ resultCode: 6001 });
    await expect(tradePay('a=1')).resolves.toEqual({ resultCode: '6001' });
  });

  it('turns fail into a typed error that keeps the error number', async () => {
    fake.cashier = () => ({ fail: { error: 4, errorMessage: 'no permission' } });
    const error = await tradePay('a=1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentError);
    expect(error).toMatchObject({ kind: 'trade_pay_failed', errorCode: 4, message: 'no permission' });
  });

  it('handles a fail without an error number', async () => {
    fake.cashier = () => ({ fail: {} });
    await expect(tradePay('a=1')).rejects.toMatchObject({ kind: 'trade_pay_failed', errorCode: null });
  });

  it.each([6001, '6002'])('a fail that carries a resultCode (%p) is that answer', async (resultCode) => {
    fake.cashier = () => ({ fail: { error: 4, resultCode } });
    await expect(tradePay('a=1')).resolves.toEqual({ resultCode: String(resultCode) });
  });
});
