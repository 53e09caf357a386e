/**
 * The merchant backend's HTTP API: request and response shapes shared with the mini app.
 * The mini app imports this file with `import type` only, so it must stay free of values
 * and of Node types.
 */
import type { GatewayData } from './latipay/types';

/** A 2-decimal amount as written on the wire, e.g. "0.01". Integer cents inside. */
export type Money = string;

/** Alipay's signed order from Latipay, key order as Latipay gave it. */
export type { GatewayData };

/**
 * `creating`: recorded, Latipay not yet answered. `create_failed`: Latipay refused or could
 * not be reached; never payable. `expired`: still unpaid when the order's time ran out (a
 * payment Latipay reports later still makes it `paid`). The rest follow the payment and its refunds.
 */
export type OrderStatus =
  | 'creating'
  | 'create_failed'
  | 'pending'
  | 'paid'
  | 'failed'
  | 'partially_refunded'
  | 'refunded'
  | 'expired';

export interface Refund {
  id: string;
  amount: Money;
  reason: string;
  createdAt: string;
}

/** One line of an order: a product, how many, and what they cost. */
export interface OrderItem {
  productId: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  /** unitPrice × quantity; the order's amount is the sum of its lines. */
  lineTotal: Money;
}

export interface Order {
  merchantReference: string;
  status: OrderStatus;
  amount: Money;
  currency: string;
  /** What Latipay and Alipay's cashier show: the lines summed up, e.g. "Flat white ×2 +1 more". */
  productName: string;
  items: OrderItem[];
  latipayOrderId: string | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  paidAt: string | null;
  refundedAmount: Money;
  refunds: Refund[];
}

export interface Product {
  id: string;
  name: string;
  description: string;
  price: Money;
  currency: string;
  /** An absolute URL of the product's picture, served by the backend; null when it has none. */
  imageUrl: string | null;
}

/** `sandbox`: Latipay is the local sandbox and no real money moves. */
export type PaymentMode = 'sandbox' | 'live';

// POST /api/session: a silent Alipay login (my.getAuthCode({ scopes: 'auth_base' })).
// Every buyer route then needs `Authorization: Bearer <token>`; without a valid one: 401.
export interface CreateSessionRequest {
  authCode: string;
}

export interface SessionResponse {
  token: string;
  /** ISO 8601, UTC: log in again (silently) before or after it. */
  expiresAt: string;
  buyer: { id: string };
}

// GET /api/products
export interface ProductsResponse {
  products: Product[];
}

/** A product and how many of it: one line of a cart. */
export interface CartLine {
  productId: string;
  /** 1 to 99. */
  quantity: number;
}

// POST /api/orders (headers: Authorization, Idempotency-Key): 1 to 20 lines, each product at
// most once. A single `{productId, quantity}` is still taken, as one line.
export type CreateOrderRequest = { items: CartLine[] } | CartLine;

export interface CreateOrderResponse {
  order: Order;
  gatewaydata: GatewayData;
  mode: PaymentMode;
}

// GET /api/orders/{merchantReference}[?refresh=true]
export interface OrderResponse {
  order: Order;
}

// GET /api/orders[?before={merchantReference}] (header: Authorization): the buyer's orders, 20 a page, newest first
export interface OrdersResponse {
  orders: Order[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

// POST /api/admin/orders/{merchantReference}/refunds (Authorization: Bearer, Idempotency-Key)
export interface CreateRefundRequest {
  amount: Money;
  reason: string;
}

export interface RefundResponse {
  refund: Refund;
  order: Order;
}

/**
 * The sandbox cashier: what the shopper picks instead of paying at Alipay's cashier, which
 * cannot pay a sandbox order. Only a backend running on the in-process sandbox has it.
 */
export type SandboxCashierAction = 'pay' | 'cancel' | 'fail' | 'processing' | 'network_error' | 'unknown';

// POST /api/sandbox/orders/{merchantReference}/settle (sandbox mode only)
export interface SandboxSettleRequest {
  action: SandboxCashierAction;
}

export interface SandboxSettleResponse {
  /** What my.tradePay would have answered: 9000, 6001, 4000, 8000, 6002 or 6004. */
  resultCode: string;
  order: Order;
}

/** Every error the API answers with. */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    message: string;
  };
}

export type ErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'unknown_product'
  | 'idempotency_conflict'
  | 'unauthorized'
  /** POST /api/session: the auth code is invalid, expired or used; get a new one. */
  | 'invalid_auth_code'
  /** Alipay could not be reached to check the auth code. */
  | 'alipay_unavailable'
  /** Alipay refused or gave an invalid answer (the merchant's configuration). */
  | 'alipay_error'
  /** The in-process sandbox's control API, refused to a request from another machine. */
  | 'forbidden'
  | 'refund_exceeds_balance'
  | 'order_not_refundable'
  | 'order_not_pending'
  /** A refund whose outcome Latipay left unknown: its amount is held until an admin resolves it. */
  | 'refund_outcome_unknown'
  /** Resolving a refund whose outcome is not unknown. */
  | 'refund_not_resolvable'
  | 'payload_too_large'
  /** The request's headers or body did not arrive within REQUEST_TIMEOUT_MS. */
  | 'request_timeout'
  /** The request's headers are over 16 KiB. */
  | 'headers_too_large'
  /** Too many requests: wait the seconds of the Retry-After header. */
  | 'rate_limited'
  | 'unsupported_media_type'
  | 'latipay_error'
  | 'latipay_unavailable'
  | 'latipay_timeout'
  | 'invalid_signature'
  | 'not_available'
  | 'internal_error';
