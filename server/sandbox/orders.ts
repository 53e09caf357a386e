import { formatCents } from '../latipay';

/** A sandbox order's own life: `canceled` answers queries as `failed`, like Latipay. */
export type SandboxOrderStatus = 'pending' | 'paid' | 'failed' | 'canceled';

export interface RefundRecord {
  amountCents: number;
  reference: string;
  at: Date;
}

/** One HTTP attempt to deliver a notification. */
export interface NotificationAttempt {
  /** ISO 8601, UTC. */
  at: string;
  /** The payment status the notification carried. */
  paymentStatus: string;
  /** null when no HTTP answer arrived (connection refused, timeout). */
  httpStatus: number | null;
  /** The merchant's answer, at most 200 characters; null when none arrived. */
  body: string | null;
  /** Why no HTTP answer arrived; null when one did. */
  error: string | null;
}

/** An order as the sandbox keeps it; refunds and attempts oldest first. */
export interface SandboxOrder {
  orderId: string;
  customerOrderId: string;
  merchantReference: string;
  amountCents: number;
  currency: string;
  productName: string;
  callbackUrl: string;
  status: SandboxOrderStatus;
  createdAt: Date;
  payTime: Date | null;
  refunds: RefundRecord[];
  notifications: NotificationAttempt[];
}

/** The control API's view of an order. */
export interface SandboxOrderView {
  merchantReference: string;
  orderId: string;
  amount: string;
  currency: string;
  productName: string;
  callbackUrl: string;
  status: SandboxOrderStatus;
  createdAt: string;
  payTime: string | null;
  refundedAmount: string;
  refunds: { amount: string; reference: string; at: string }[];
  notifications: NotificationAttempt[];
}

export function refundedCents(order: SandboxOrder): number {
  return order.refunds.reduce((sum, refund) => sum + refund.amountCents, 0);
}

export function orderView(order: SandboxOrder): SandboxOrderView {
  return {
    merchantReference: order.merchantReference,
    orderId: order.orderId,
    amount: formatCents(order.amountCents),
    currency: order.currency,
    productName: order.productName,
    callbackUrl: order.callbackUrl,
    status: order.status,
    createdAt: order.createdAt.toISOString(),
    payTime: order.payTime ? order.payTime.toISOString() : null,
    refundedAmount: formatCents(refundedCents(order)),
    refunds: order.refunds.map((r) => ({ amount: formatCents(r.amountCents), reference: r.reference, at: r.at.toISOString() })),
    notifications: order.notifications.map((n) => ({ ...n })),
  };
}
