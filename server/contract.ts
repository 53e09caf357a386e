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
 * not be reached; never payable. The rest follow the payment and its refunds.
 */
export type OrderStatus =
  | 'creating'
  | 'create_failed'
  | 'pending'
  | 'paid'
  | 'failed'
  | 'partially_refunded'
  | 'refunded';

export interface Refund {
  id: string;
  amount: Money;
  reason: string;
  createdAt: string;
}

export interface Order {
  merchantReference: string;
  status: OrderStatus;
  amount: Money;
  currency: string;
  productId: string;
  productName: string;
  quantity: number;
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
}

/** `sandbox`: Latipay is the local sandbox and no real money moves. */
export type PaymentMode = 'sandbox' | 'live';

// GET /api/products
export interface ProductsResponse {
  products: Product[];
}

// POST /api/orders (headers: Idempotency-Key, X-Buyer-Id)
export interface CreateOrderRequest {
  productId: string;
  quantity: number;
}

export interface CreateOrderResponse {
  order: Order;
  gatewaydata: GatewayData;
  mode: PaymentMode;
}

// GET /api/orders/{merchantReference}[?refresh=true]
export interface OrderResponse {
  order: Order;
}

// GET /api/orders (header: X-Buyer-Id)
export interface OrdersResponse {
  orders: Order[];
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
  | 'unsupported_media_type'
  | 'latipay_error'
  | 'latipay_unavailable'
  | 'latipay_timeout'
  | 'invalid_signature'
  | 'not_available'
  | 'internal_error';
