/** Wire shapes of the Latipay API v2 interactions (see shared/reference/latipay-api.md). */

/** 1. POST /v2/minialipay request body. Every field sent is signed; never send payment_method. */
export interface CreateOrderRequest {
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

/** Alipay's own signed order, passed to the mini app untouched and in the order received. */
export type GatewayData = Record<string, string>;

export interface PayData {
  orderId: string;
  customerOrderId: string;
  [extra: string]: unknown;
}

export interface CreateOrderSuccess {
  code: 0;
  message: string;
  messageCN?: string;
  gatewaydata: GatewayData;
  paydata: PayData;
}

export interface LatipayError {
  code: number;
  message: string;
  messageCN?: string;
}

export type CreateOrderResponse = CreateOrderSuccess | LatipayError;

/** 2. The mini app's my.tradePay input, built from GatewayData. */
export interface TradePayData {
  orderStr: string;
}

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'canceled' | 'rejected';

/** 3. The asynchronous notification, form-encoded, POSTed to callback_url. */
export interface Notification {
  merchant_reference: string;
  order_id: string;
  currency: string;
  amount: string;
  payment_method: string;
  status: PaymentStatus;
  pay_time: string;
  signature: string;
}

/** 4. GET /v2/transaction/{merchant_reference}?user_id=…&signature=… */
export interface QueryRequest {
  merchant_reference: string;
  user_id: string;
  signature: string;
}

export interface QueryResponse {
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

/** 5. POST /refund (no /v2). */
export interface RefundRequest {
  user_id: string;
  order_id: string;
  refund_amount: string;
  reference: string;
  signature: string;
}

export interface RefundResponse {
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
