/**
 * JSON schemas of every route's input and output (TypeBox). Fastify validates requests with
 * them before a handler runs (refused: 400 invalid_request, or 404 for a path parameter that
 * cannot name anything) and serializes answers with them (fast-json-stringify).
 * The `Same<…>` checks keep the answers equal to the types in server/contract.ts, which the
 * mini app shares.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type * as Contract from '../../contract';
import { REFERENCE_PATTERN } from '../store/ids';

/** Compile-time check that two types are the same. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<T extends true>(): T | undefined {
  return undefined;
}

/** `T` or null, as one JSON type list (fast-json-stringify serializes it without trying each branch). */
function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/**
 * One of a few strings, as a JSON `enum`: one clear validation message ("must be equal to one
 * of the allowed values"), and serialized as a plain string, where a union of literals would
 * make fast-json-stringify try each branch.
 */
function StringEnum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

const Money = Type.String({ pattern: '^\\d+\\.\\d{2}$' });
const Timestamp = Type.String();

// ---- inputs ----

const Reference = Type.String({ pattern: REFERENCE_PATTERN.source });
export const OrderParams = Type.Object({ merchantReference: Reference });
export const RefundParams = Type.Object({ refundId: Reference });

/** Idempotency-Key: optional, 1-255 visible ASCII characters. */
export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{1,255}$' })),
});

export const CreateSessionBody = Type.Object({ authCode: Type.String({ minLength: 1, maxLength: 256 }) });
same<Same<Static<typeof CreateSessionBody>, Contract.CreateSessionRequest>>();

const CartLine = Type.Object({
  productId: Type.String({ minLength: 1, maxLength: 64 }),
  quantity: Type.Integer({ minimum: 1, maximum: 99 }),
});
same<Same<Static<typeof CartLine>, Contract.CartLine>>();

/**
 * `{"items": [...]}` (a cart: 1 to 20 lines), or one `{productId, quantity}` as before. One
 * object with the fields of both rather than anyOf, for one clear message per field; which
 * of the two was sent is checked by the route.
 */
export const CreateOrderBody = Type.Object({
  items: Type.Optional(Type.Array(CartLine, { minItems: 1, maxItems: 20 })),
  productId: Type.Optional(CartLine.properties.productId),
  quantity: Type.Optional(CartLine.properties.quantity),
});

export const RefreshQuery = Type.Object({
  refresh: Type.Optional(StringEnum(['true', 'false', '1', '0'] as const)),
});

/** GET /api/orders: `before`, the reference of the last order of the page before (its nextBefore). */
export const OrdersQuery = Type.Object({ before: Type.Optional(Reference) });

export const CreateRefundBody = Type.Object({
  amount: Type.String({ pattern: '^(0|[1-9]\\d{0,11})(\\.\\d{1,2})?$' }),
  reason: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
});
same<Same<Static<typeof CreateRefundBody>, Contract.CreateRefundRequest>>();

export const ResolveRefundBody = Type.Object({
  outcome: StringEnum(['succeeded', 'failed'] as const),
  note: Type.Optional(Type.String({ maxLength: 500 })),
});

const CASHIER_ACTIONS = ['pay', 'cancel', 'fail', 'processing', 'network_error', 'unknown'] as const;
export const SandboxSettleBody = Type.Object(
  { action: StringEnum(CASHIER_ACTIONS) },
  { additionalProperties: false },
);
same<Same<Static<typeof SandboxSettleBody>, Contract.SandboxSettleRequest>>();

// ---- outputs ----

export const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
/** Every error a route answers, whatever its status. */
export const ERRORS = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const Refund = Type.Object({ id: Type.String(), amount: Money, reason: Type.String(), createdAt: Timestamp });

const ORDER_STATUSES = ['creating', 'create_failed', 'pending', 'paid', 'failed', 'partially_refunded', 'refunded', 'expired'] as const;
const OrderItem = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Money,
  lineTotal: Money,
});

const Order = Type.Object({
  merchantReference: Type.String(),
  status: StringEnum(ORDER_STATUSES),
  amount: Money,
  currency: Type.String(),
  productName: Type.String(),
  items: Type.Array(OrderItem),
  latipayOrderId: Nullable(Type.String()),
  createdAt: Timestamp,
  paidAt: Nullable(Timestamp),
  refundedAmount: Money,
  refunds: Type.Array(Refund),
});
same<Same<Static<typeof Order>, Contract.Order>>();

const Mode = StringEnum(['sandbox', 'live'] as const);

export const ProductsResponse = Type.Object({
  products: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      description: Type.String(),
      price: Money,
      currency: Type.String(),
      imageUrl: Nullable(Type.String()),
    }),
  ),
});
same<Same<Static<typeof ProductsResponse>, Contract.ProductsResponse>>();

/** gatewaydata's keys are written in the order Latipay gave them (Alipay signed them). */
export const CreateOrderResponse = Type.Object({
  order: Order,
  gatewaydata: Type.Record(Type.String(), Type.String()),
  mode: Mode,
});
same<Same<Static<typeof CreateOrderResponse>, Contract.CreateOrderResponse>>();

export const OrderResponse = Type.Object({ order: Order });
same<Same<Static<typeof OrderResponse>, Contract.OrderResponse>>();

export const OrdersResponse = Type.Object({ orders: Type.Array(Order), nextBefore: Nullable(Type.String()) });
same<Same<Static<typeof OrdersResponse>, Contract.OrdersResponse>>();

export const RefundResponse = Type.Object({ refund: Refund, order: Order });
same<Same<Static<typeof RefundResponse>, Contract.RefundResponse>>();

const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'unknown'] as const;
export const ResolveRefundResponse = Type.Object({
  refund: Type.Composite([Refund, Type.Object({ status: StringEnum(REFUND_STATUSES) })]),
  order: Order,
});

export const SandboxSettleResponse = Type.Object({ resultCode: Type.String(), order: Order });
same<Same<Static<typeof SandboxSettleResponse>, Contract.SandboxSettleResponse>>();

export const AnomaliesResponse = Type.Object({
  anomalies: Type.Array(
    Type.Object({
      id: Type.Integer(),
      merchantReference: Type.String(),
      kind: Type.String(),
      details: Type.Object({}, { additionalProperties: true }),
      createdAt: Timestamp,
    }),
  ),
  heldRefunds: Type.Array(
    Type.Object({
      refundId: Type.String(),
      merchantReference: Type.String(),
      amount: Money,
      reason: Type.String(),
      createdAt: Timestamp,
      error: Nullable(Type.String()),
    }),
  ),
});

export const SessionResponse = Type.Object({
  token: Type.String(),
  expiresAt: Timestamp,
  buyer: Type.Object({ id: Type.String() }),
});
same<Same<Static<typeof SessionResponse>, Contract.SessionResponse>>();

export const HealthResponse = Type.Object({ status: Type.Literal('ok'), mode: Mode });
