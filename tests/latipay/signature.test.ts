import {
  signSorted,
  sortedMessage,
  signConcat,
  signaturesEqual,
  verifySorted,
  signPaymentResult,
  verifyPaymentResult,
} from '../../server/latipay';

// Test vectors from Latipay's public documentation, https://doc.latipay.net/v2/latipay-alipay-mini-app.html and hosted-online §3–§6 (api_key 111222333).
const KEY = '111222333';

describe('sorted-style signature', () => {
  const create = {
    user_id: 'U000334333',
    wallet_id: 'W00000001',
    amount: '120.00',
    callback_url: 'https://merchantsite.com/confirm',
    merchant_reference: 'dsi39ej430sks03',
    ip: '122.122.122.1',
    version: '2.0',
    product_name: 'Pinot Noir, Otago',
  };
  const CREATE_SIGNATURE = '1f8e75dd34fc5ca7b478772efdb6fa9e1a5c89e8e0412ccde81912fc16e2ed07';

  it('builds the documented create message: sorted, raw, api_key appended', () => {
    expect(sortedMessage(create, KEY)).toBe(
      'amount=120.00&callback_url=https://merchantsite.com/confirm&ip=122.122.122.1&merchant_reference=dsi39ej430sks03&product_name=Pinot Noir, Otago&user_id=U000334333&version=2.0&wallet_id=W00000001111222333',
    );
  });

  it('matches the create test vector', () => {
    expect(signSorted(create, KEY)).toBe(CREATE_SIGNATURE);
  });

  it('does not match once payment_method is included (the documented quirk)', () => {
    expect(signSorted({ ...create, payment_method: 'alipay' }, KEY)).not.toBe(CREATE_SIGNATURE);
  });

  it('leaves out signature, null, undefined and empty values', () => {
    const noisy = { ...create, signature: 'x', note: '', extra: null, other: undefined };
    expect(signSorted(noisy, KEY)).toBe(CREATE_SIGNATURE);
  });

  it('matches the query test vector', () => {
    expect(signSorted({ user_id: 'U000000013', merchant_reference: '6000324' }, KEY)).toBe(
      '58f93f458880120d650611f2452917a25a39edc2f5e3a03baac73a7a49bc81f4',
    );
  });

  it('matches the refund test vector', () => {
    const refund = {
      user_id: 'U000334333',
      order_id: '23479798sdf7987234',
      refund_amount: '120.00',
      reference: 'notes about this refund',
    };
    expect(signSorted(refund, KEY)).toBe('3052b51072570b743bf9a12a20a45b0adf280aee84907ef0e54d1079fb3f961c');
  });

  it('verifies a signed request and rejects a tampered one', () => {
    const signed = { ...create, signature: CREATE_SIGNATURE };
    expect(verifySorted(signed, KEY)).toBe(true);
    expect(verifySorted({ ...signed, amount: '121.00' }, KEY)).toBe(false);
    expect(verifySorted(signed, 'another-key')).toBe(false);
    expect(verifySorted({ ...create }, KEY)).toBe(false);
  });
});

describe('concat-style signature', () => {
  const NOTIFY_SIGNATURE = '840151e0dc39496e22b410b83058b4ddd633b786936c505ae978fae029a1e0f1';
  const notification = {
    merchant_reference: 'dsi39ej430sks03',
    payment_method: 'alipay',
    status: 'paid',
    currency: 'NZD',
    amount: '120.00',
  };

  it('matches the notification test vector', () => {
    expect(signConcat(['dsi39ej430sks03', 'alipay', 'paid', 'NZD', '120.00'], KEY)).toBe(NOTIFY_SIGNATURE);
    expect(signPaymentResult(notification, KEY)).toBe(NOTIFY_SIGNATURE);
  });

  it('verifies the notification and rejects any changed field', () => {
    expect(verifyPaymentResult(notification, NOTIFY_SIGNATURE, KEY)).toBe(true);
    expect(verifyPaymentResult(notification, NOTIFY_SIGNATURE.toUpperCase(), KEY)).toBe(true);
    for (const field of Object.keys(notification) as (keyof typeof notification)[]) {
      expect(verifyPaymentResult({ ...notification, [field]: notification[field] + 'x' }, NOTIFY_SIGNATURE, KEY)).toBe(false);
    }
    // A parsed JSON number loses the trailing zeros and no longer verifies.
    expect(verifyPaymentResult({ ...notification, amount: String(120.0) }, NOTIFY_SIGNATURE, KEY)).toBe(false);
  });
});

describe('signaturesEqual', () => {
  it('rejects non-strings and different lengths without throwing', () => {
    const sig = 'a'.repeat(64);
    expect(signaturesEqual(sig, sig)).toBe(true);
    expect(signaturesEqual(undefined, sig)).toBe(false);
    expect(signaturesEqual(123, sig)).toBe(false);
    expect(signaturesEqual('a'.repeat(63), sig)).toBe(false);
    expect(signaturesEqual('', sig)).toBe(false);
  });
});
