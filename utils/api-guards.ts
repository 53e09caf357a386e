import type {
  CreateOrderResponse,
  GatewayData,
  Order,
  OrderItem,
  OrderStatus,
  PaymentMode,
  Product,
  Refund,
  SandboxSettleResponse,
} from '../server/contract';

// Runtime checks that an answer has the shape server/contract.ts promises.

const ORDER_STATUSES: readonly OrderStatus[] = [
  'creating',
  'create_failed',
  'pending',
  'paid',
  'failed',
  'partially_refunded',
  'refunded',
  'expired',
];
const MONEY = /^\d+\.\d{2}$/;

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMoney(value: unknown): value is string {
  return typeof value === 'string' && MONEY.test(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).indexOf(value) >= 0;
}

export function isProduct(value: unknown): value is Product {
  return (
    isObject(value) &&
    isNonEmptyString(value.id) &&
    typeof value.name === 'string' &&
    typeof value.description === 'string' &&
    isMoney(value.price) &&
    isNonEmptyString(value.currency) &&
    isStringOrNull(value.imageUrl)
  );
}

export function isOrderItem(value: unknown): value is OrderItem {
  return (
    isObject(value) &&
    isNonEmptyString(value.productId) &&
    typeof value.name === 'string' &&
    typeof value.quantity === 'number' &&
    isMoney(value.unitPrice) &&
    isMoney(value.lineTotal)
  );
}

export function isRefund(value: unknown): value is Refund {
  return (
    isObject(value) &&
    isNonEmptyString(value.id) &&
    isMoney(value.amount) &&
    typeof value.reason === 'string' &&
    typeof value.createdAt === 'string'
  );
}

export function isOrder(value: unknown): value is Order {
  return (
    isObject(value) &&
    isNonEmptyString(value.merchantReference) &&
    isOrderStatus(value.status) &&
    isMoney(value.amount) &&
    isNonEmptyString(value.currency) &&
    typeof value.productName === 'string' &&
    Array.isArray(value.items) &&
    value.items.every(isOrderItem) &&
    isStringOrNull(value.latipayOrderId) &&
    typeof value.createdAt === 'string' &&
    isStringOrNull(value.paidAt) &&
    isMoney(value.refundedAmount) &&
    Array.isArray(value.refunds) &&
    value.refunds.every(isRefund)
  );
}

/** Every value a string; emptiness is buildOrderStr's business. */
export function isGatewayData(value: unknown): value is GatewayData {
  return isObject(value) && Object.keys(value).every((key) => typeof value[key] === 'string');
}

export function isPaymentMode(value: unknown): value is PaymentMode {
  return value === 'sandbox' || value === 'live';
}

export function isCreateOrderResponse(value: unknown): value is CreateOrderResponse {
  return isObject(value) && isOrder(value.order) && isGatewayData(value.gatewaydata) && isPaymentMode(value.mode);
}

export function isSandboxSettleResponse(value: unknown): value is SandboxSettleResponse {
  return isObject(value) && isNonEmptyString(value.resultCode) && isOrder(value.order);
}
