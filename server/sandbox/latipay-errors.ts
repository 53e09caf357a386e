import { LatipayCode, type LatipayRefusal } from '../latipay';

const MESSAGES_CN: Record<number, string> = {
  [LatipayCode.FAIL]: '操作失败',
  [LatipayCode.ORDER_NOT_EXIST]: '订单不存在',
  [LatipayCode.NULL_FIELDS]: '参数为空',
  [LatipayCode.KEY_OR_USER]: '密钥或用户错误',
  [LatipayCode.WRONG_SIGNATURE]: '签名错误',
  [LatipayCode.PARAM_WRONG]: '参数错误',
  [LatipayCode.WALLET_NOT_ASSIGNED]: '钱包未分配给该用户',
  [LatipayCode.REFUND_PARAMS_WRONG]: '退款参数错误',
  [LatipayCode.REFUND_ORDER_NOT_EXIST]: '退款关联订单不存在',
  [LatipayCode.REFUND_ALREADY_DONE]: '请求已处理',
};

/** A Latipay error body; the real service sends it with HTTP 200. */
export function latipayError(code: number, message: string): LatipayRefusal {
  return { code, message, messageCN: MESSAGES_CN[code] ?? MESSAGES_CN[LatipayCode.FAIL] };
}

/** Names of required fields that are missing, null or empty (Latipay code 204). */
export function missingFields(body: Record<string, unknown>, required: readonly string[]): string[] {
  return required.filter((key) => body[key] === undefined || body[key] === null || body[key] === '');
}

/** Names of given fields that are not strings (objects, numbers): Latipay code 207. */
export function nonStringFields(body: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((key) => body[key] !== undefined && body[key] !== null && typeof body[key] !== 'string');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
