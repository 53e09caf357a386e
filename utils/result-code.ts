/**
 * What my.tradePay's resultCode means for the shopper. Alipay documents it as a string
 * ("9000"); Latipay's sample compares it with a number: both are accepted.
 *
 * 9000 is not proof of payment and 8000/6004 mean "unknown": the server has the last word.
 */
export type PaymentOutcome = 'success' | 'processing' | 'cancelled' | 'network_error' | 'failed' | 'not_run';

/** Not a code of Alipay's: my.tradePay called `fail` without one, so the cashier never ran. */
export const CASHIER_NOT_RUN = 'not_run';

/** The cashier's own word that no money moved; only after these may a failed order be replaced. */
const NOT_PAID_CODES = ['4000', '6001', '99', '6002', CASHIER_NOT_RUN];

export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

export interface MappedResultCode {
  outcome: PaymentOutcome;
  /** The code as a trimmed string ('' when there was none). */
  code: string;
  message: LocalizedText;
}

const KNOWN: Record<string, { outcome: PaymentOutcome; message: LocalizedText }> = {
  '9000': {
    outcome: 'success',
    message: { 'zh-CN': '支付已提交，正在向商户确认。', en: 'Payment submitted. Confirming it with the merchant.' },
  },
  '8000': {
    outcome: 'processing',
    message: { 'zh-CN': '支付正在处理中，正在确认结果。', en: 'Your payment is being processed. Confirming the result.' },
  },
  '6004': {
    outcome: 'processing',
    message: { 'zh-CN': '支付结果未知，正在向商户确认。', en: 'The payment result is unknown. Checking with the merchant.' },
  },
  '6001': {
    outcome: 'cancelled',
    message: { 'zh-CN': '你已取消支付。', en: 'You cancelled the payment.' },
  },
  '99': {
    outcome: 'cancelled',
    message: { 'zh-CN': '支付已中断（忘记密码），未扣款。', en: 'The payment was interrupted (forgot password). Nothing was charged.' },
  },
  '6002': {
    outcome: 'network_error',
    message: { 'zh-CN': '网络连接出错，请检查网络后重试。', en: 'Network error. Check your connection and try again.' },
  },
  '4000': {
    outcome: 'failed',
    message: { 'zh-CN': '支付失败。', en: 'The payment failed.' },
  },
  [CASHIER_NOT_RUN]: {
    outcome: 'not_run',
    message: { 'zh-CN': '支付宝收银台未能打开，请稍后重试。', en: "Alipay's cashier could not be opened. Please try again." },
  },
};

export function mapResultCode(code: string | number | null | undefined): MappedResultCode {
  const normalized = code === null || code === undefined ? '' : String(code).trim();
  const known = Object.prototype.hasOwnProperty.call(KNOWN, normalized) ? KNOWN[normalized] : undefined;
  if (known) return { outcome: known.outcome, code: normalized, message: known.message };
  const shown = normalized === '' ? '' : `（${normalized}）`;
  return {
    outcome: 'failed',
    code: normalized,
    message: {
      'zh-CN': `支付未完成${shown}。`,
      en: `The payment did not go through${normalized === '' ? '' : ` (code ${normalized})`}.`,
    },
  };
}

export function cashierSaidNotPaid(code: string | null | undefined): boolean {
  return typeof code === 'string' && NOT_PAID_CODES.indexOf(code) >= 0;
}
