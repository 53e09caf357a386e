import { createHash } from 'node:crypto';
import type { GatewayData } from '../latipay';

/** The sandbox's made-up Alipay partner: Alipay partner ids are 16 digits starting 2088. */
export const SANDBOX_ALIPAY_PARTNER = '2088000000000000';
/** Key of the made-up partner's MD5 signing. Not a secret: nothing real accepts it. */
export const SANDBOX_ALIPAY_PARTNER_KEY = 'latipaysandboxalipaymd5key000000';

/**
 * Alipay's MD5 signing: every parameter but sign and sign_type with a non-empty value,
 * keys sorted, `k=v` joined by `&`, the partner key appended, lowercase hex MD5.
 */
export function alipayMd5Sign(params: Record<string, string>, partnerKey: string): string {
  const message = Object.keys(params)
    .filter((key) => key !== 'sign' && key !== 'sign_type' && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  return createHash('md5').update(message + partnerKey, 'utf8').digest('hex');
}

export interface GatewayOrder {
  orderId: string;
  amount: string;
  currency: string;
  productName: string;
  walletId: string;
}

/** Alipay's signed forex order, keys in the order of Latipay's documented example. */
export function buildGatewayData(order: GatewayOrder): GatewayData {
  const unsigned: Record<string, string> = {
    service: 'create_forex_trade_wap',
    partner: SANDBOX_ALIPAY_PARTNER,
    _input_charset: 'UTF-8',
    sign_type: 'MD5',
    sign: '',
    notify_url: 'https://sandbox.latipay.invalid/notify/alipay',
    return_url: 'https://sandbox.latipay.invalid/notify/sync/alipay',
    subject: order.productName,
    body: '5399',
    out_trade_no: order.orderId,
    currency: order.currency,
    total_fee: order.amount,
    supplier: 'Latipay Sandbox',
    secondary_merchant_id: order.walletId,
    secondary_merchant_name: 'Latipay Sandbox Merchant',
    secondary_merchant_industry: '5399',
    product_code: 'NEW_WAP_OVERSEAS_SELLER',
    app_pay: 'Y',
  };
  // Assigning to the existing key keeps its place in the key order.
  unsigned.sign = alipayMd5Sign(unsigned, SANDBOX_ALIPAY_PARTNER_KEY);
  return unsigned;
}
