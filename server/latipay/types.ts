/**
 * Wire shapes of Latipay's API v2 for Alipay mini programs, as Latipay documents them
 * (https://doc.latipay.net/v2/latipay-alipay-mini-app.html); the README's "Latipay sandbox" section lists
 * the quirks this project relies on.
 */

/** Alipay's signed order (Latipay's `gatewaydata`), passed to the mini app untouched and in the order received. */
export type GatewayData = Record<string, string>;

/** POST /v2/minialipay request body. Every field sent is signed; never send payment_method. */
export interface MiniAlipayRequest {
  user_id: string;
  wallet_id: string;
  amount: string;
  callback_url: string;
  merchant_reference: string;
  ip: string;
  version: '2.0';
  product_name: string;
  signature: string;
}

/** POST /v2/minialipay answer when the order was created. */
export interface MiniAlipayAnswer {
  code: 0;
  message: string;
  messageCN?: string;
  gatewaydata: GatewayData;
  paydata: { orderId: string; customerOrderId: string; [extra: string]: unknown };
}

/** Any call's answer when Latipay refuses (`code` other than 0; HTTP status 200). */
export interface LatipayRefusal {
  code: number;
  message: string;
  messageCN?: string;
}

/** GET /v2/transaction/{merchant_reference}?user_id=…&signature=… answer. */
export interface QueryAnswer {
  code: number;
  message: string;
  messageCN?: string;
  merchant_reference: string;
  currency: string;
  /** A JSON number on the wire: verify against the 2-decimal amount as written, not as parsed. */
  amount: number;
  amount_cny?: number;
  rate?: number;
  payment_method: string;
  status: 'pending' | 'paid' | 'failed';
  pay_time: string;
  order_id: string;
  transaction_id?: string;
  signature: string;
}

/** POST /refund (no /v2) request body. */
export interface RefundRequest {
  user_id: string;
  order_id: string;
  refund_amount: string;
  reference: string;
  signature: string;
}

/** POST /refund answer. */
export interface RefundAnswer {
  code: number;
  message: string;
}

/** Latipay's documented error codes used by this project. */
export const LatipayCode = {
  SUCCESS: 0,
  FAIL: 1,
  ORDER_NOT_EXIST: 201,
  NULL_FIELDS: 204,
  KEY_OR_USER: 205,
  WRONG_SIGNATURE: 206,
  PARAM_WRONG: 207,
  WALLET_NOT_ASSIGNED: 450,
  REFUND_PARAMS_WRONG: 550,
  REFUND_ORDER_NOT_EXIST: 551,
  REFUND_ALREADY_DONE: 562,
} as const;

