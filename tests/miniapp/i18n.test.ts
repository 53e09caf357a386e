import { ApiError } from '../../utils/api-error';
import { CheckoutError } from '../../utils/checkout';
import { PaymentError } from '../../utils/payment';
import { en } from '../../utils/strings-en';
import { zhCN } from '../../utils/strings-zh';
import { installFakeMy } from './harness';
import type { FakeMy } from './harness';

type I18n = typeof import('../../utils/i18n');
type ErrorText = typeof import('../../utils/error-text');

/** Fresh modules, so the locale is read again from this fake system. */
function load(language: string): { i18n: I18n; errorText: ErrorText; fake: FakeMy; uninstall: () => void } {
  const { fake, uninstall } = installFakeMy({ language });
  let i18n: I18n | undefined;
  let errorText: ErrorText | undefined;
  jest.isolateModules(() => {
    i18n = require('../../utils/i18n') as I18n;
    errorText = require('../../utils/error-text') as ErrorText;
  });
  return { i18n: i18n as I18n, errorText: errorText as ErrorText, fake, uninstall };
}

describe('locale', () => {
  it.each([
    ['zh-Hans', 'zh-CN'],
    ['zh-Hant', 'zh-CN'],
    ['zh-HK', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    ['ZH', 'zh-CN'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['ja', 'en'],
    ['', 'en'],
  ])('system language %p reads %s', (language, locale) => {
    const { i18n, uninstall } = load(language);
    try {
      expect(i18n.currentLocale()).toBe(locale);
    } finally {
      uninstall();
    }
  });

  it('falls back to English without a language', () => {
    const { i18n, uninstall } = load('en');
    try {
      expect(i18n.localeFromLanguage(undefined)).toBe('en');
      expect(i18n.localeFromLanguage(42)).toBe('en');
    } finally {
      uninstall();
    }
  });

  it('serves the table of the system language', () => {
    const zh = load('zh-Hans');
    try {
      expect(zh.i18n.t('pay')).toBe('使用支付宝支付');
      expect(zh.i18n.t('errorServer', { code: 'x' })).toBe('出错了（x），请稍后再试。');
      expect(zh.i18n.localized({ 'zh-CN': '中', en: 'E' })).toBe('中');
    } finally {
      zh.uninstall();
    }
    const english = load('en');
    try {
      expect(english.i18n.t('pay')).toBe('Pay with Alipay');
      expect(english.i18n.localized({ 'zh-CN': '中', en: 'E' })).toBe('E');
    } finally {
      english.uninstall();
    }
  });

  it('reads the system language once', () => {
    const { i18n, fake, uninstall } = load('zh-Hans');
    try {
      i18n.t('pay');
      fake.language = 'en';
      expect(i18n.t('back')).toBe(zhCN.back);
      expect(fake.callsTo('getSystemInfoSync')).toHaveLength(1);
    } finally {
      uninstall();
    }
  });
});

describe('string tables', () => {
  it('have the same keys and no empty text', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const table of [en, zhCN]) {
      for (const value of Object.values(table)) expect(value.trim()).not.toBe('');
    }
  });

  it('Chinese texts are Chinese, and placeholders match', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(zhCN[key]).toMatch(/[\u4e00-\u9fff]/);
      expect(zhCN[key].match(/\{\w+\}/g)).toEqual(en[key].match(/\{\w+\}/g));
    }
  });

  it('format leaves unknown placeholders alone', () => {
    const { i18n, uninstall } = load('en');
    try {
      expect(i18n.format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    } finally {
      uninstall();
    }
  });
});

describe('describeError', () => {
  const cases: Array<[string, unknown, string]> = [
    ['network', new ApiError('network', 'x'), en.errorNetwork],
    ['network, error 12', new ApiError('network', 'x', null, null, 12), en.errorNetwork],
    ['no permission: domain not whitelisted (error 4)', new ApiError('network', 'x', null, null, 4), en.errorDomainNotAllowed.replace('{code}', '4')],
    ['no permission: domain not whitelisted (error 11)', new ApiError('network', 'x', null, null, 11), en.errorDomainNotAllowed.replace('{code}', '11')],
    ['request stopped or throttled (error 20)', new ApiError('network', 'x', null, null, 20), en.errorRequestStopped],
    ['timeout', new ApiError('timeout', 'x'), en.errorTimeout],
    ['malformed', new ApiError('malformed', 'x'), en.errorMalformed],
    ['unknown product', new ApiError('http', 'x', 404, 'unknown_product'), en.errorUnknownProduct],
    ['not found', new ApiError('http', 'x', 404, 'not_found'), en.errorNotFound],
    ['still being created', new ApiError('http', 'x', 409, 'idempotency_conflict'), en.errorOrderNotReady],
    ['Latipay down', new ApiError('http', 'x', 503, 'latipay_unavailable'), en.errorPaymentService],
    ['Latipay slow', new ApiError('http', 'x', 504, 'latipay_timeout'), en.errorPaymentService],
    ['other code', new ApiError('http', 'x', 500, 'internal_error'), 'Something went wrong (internal_error). Please try again later.'],
    ['no code', new ApiError('http', 'x', 502), 'Something went wrong (502). Please try again later.'],
    ['neither code nor status (bare error 19)', new ApiError('http', 'x'), en.errorServerUnknown],
    ['bad gatewaydata', new PaymentError('invalid_gatewaydata', 'x'), en.errorInvalidPayment],
    ['other device', new CheckoutError('not_payable_here', 'x'), en.payElsewhere],
    ['creating', new CheckoutError('order_not_ready', 'x'), en.errorOrderNotReady],
    ['not payable', new CheckoutError('not_payable', 'x'), en.errorNotPayable],
    ['a sandbox order in a release build', new CheckoutError('sandbox_in_release', 'x'), en.errorSandboxInRelease],
    ['anything else', new Error('secret detail'), en.errorUnexpected],
  ];

  it('says what to check when Alipay refuses a request: the domain whitelist, or the IDE setting', () => {
    expect(en.errorDomainNotAllowed).toMatch(/whitelist/);
    expect(en.errorDomainNotAllowed).toContain('忽略 httpRequest 域名合法性检查');
    expect(zhCN.errorDomainNotAllowed).toMatch(/服务器域名白名单/);
    expect(zhCN.errorDomainNotAllowed).toContain('忽略 httpRequest 域名合法性检查');
    expect(en.errorRequestStopped).not.toBe(en.errorNetwork);
  });

  it.each(cases)('%s', (_label, error, text) => {
    const { errorText, uninstall } = load('en');
    try {
      expect(errorText.describeError(error)).toBe(text);
      expect(errorText.describeError(error)).not.toMatch(/\bhttp\b/i);
    } finally {
      uninstall();
    }
  });

  it('speaks Chinese to a Chinese system, never the server message', () => {
    const { errorText, uninstall } = load('zh-Hans');
    try {
      expect(errorText.describeError(new ApiError('network', 'x'))).toBe(zhCN.errorNetwork);
      expect(errorText.describeError(new ApiError('network', 'x', null, null, 11))).toBe(zhCN.errorDomainNotAllowed.replace('{code}', '11'));
      expect(errorText.describeError(new ApiError('network', 'x', null, null, 20))).toBe(zhCN.errorRequestStopped);
      expect(errorText.describeError(new ApiError('http', 'server said: secret', 400, 'invalid_request'))).not.toContain('secret');
    } finally {
      uninstall();
    }
  });
});
