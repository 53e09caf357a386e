import type { FastifyBaseLogger } from 'fastify';
import { formatCents, signPaymentResult } from '../latipay';
import type { NotificationAttempt, SandboxOrder } from './order-store';
import { postForm } from './post-form';
import type { TimerSet } from './timers';

export type NotificationMode = 'deliver' | 'duplicate' | 'drop' | 'bad_signature' | 'delay';
export const NOTIFICATION_MODES: readonly NotificationMode[] = ['deliver', 'duplicate', 'drop', 'bad_signature', 'delay'];

const RECORDED_BODY_CHARS = 200;

/** Latipay's pay_time format, `2017-07-07 10:53:50`, written in UTC. */
export function formatPayTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export interface NotifierOptions {
  apiKey: string;
  retryMs: number;
  maxAttempts: number;
  notifyTimeoutMs: number;
  timers: TimerSet;
  log: FastifyBaseLogger;
}

/**
 * Delivers payment-result notifications to an order's callback_url the way Latipay does:
 * form-encoded POST, retried every retryMs until the merchant answers HTTP 200 with exactly
 * `sent`, here at most maxAttempts times. Every attempt is recorded on the order.
 */
export class Notifier {
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly opts: NotifierOptions) {}

  /** The notification for the order's current status, signed (or deliberately mis-signed). */
  notificationFor(order: SandboxOrder, completedAt: Date, badSignature = false): Record<string, string> {
    const fields = {
      merchant_reference: order.merchantReference,
      order_id: order.orderId,
      currency: order.currency,
      amount: formatCents(order.amountCents),
      payment_method: 'alipay',
      status: order.status,
      pay_time: formatPayTime(order.payTime ?? completedAt),
    };
    // A well-formed signature made with another key: it looks right and never verifies.
    const key = badSignature ? `${this.opts.apiKey}:not-the-api-key` : this.opts.apiKey;
    return { ...fields, signature: signPaymentResult(fields, key) };
  }

  /** Starts delivering the order's current status as the mode says. */
  notify(order: SandboxOrder, mode: NotificationMode, delayMs?: number): void {
    if (mode === 'drop') return;
    const completedAt = new Date();
    const fields = this.notificationFor(order, completedAt, mode === 'bad_signature');
    if (mode === 'duplicate') {
      this.deliver(order, fields, 0, () => this.deliver(order, fields, 0));
    } else {
      this.deliver(order, fields, mode === 'delay' ? (delayMs ?? this.opts.retryMs) : 0);
    }
  }

  /** Aborts attempts in flight; the TimerSet owner stops the scheduled ones. */
  close(): void {
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private deliver(order: SandboxOrder, fields: Record<string, string>, firstDelayMs: number, whenDone?: () => void): void {
    let attempts = 0;
    const run = async (): Promise<void> => {
      attempts += 1;
      const attempt = await this.attempt(order.callbackUrl, fields);
      order.notifications.push(attempt);
      const delivered = attempt.httpStatus === 200 && attempt.body === 'sent';
      this.opts.log.info(
        { merchantReference: order.merchantReference, attempt: attempts, httpStatus: attempt.httpStatus, delivered },
        'sandbox notification attempt',
      );
      if (delivered || attempts >= this.opts.maxAttempts) {
        if (!delivered) this.opts.log.warn({ merchantReference: order.merchantReference }, 'sandbox notification given up');
        whenDone?.();
        return;
      }
      this.opts.timers.schedule(this.opts.retryMs, () => void run());
    };
    this.opts.timers.schedule(firstDelayMs, () => void run());
  }

  /** One POST; never rejects: failures become the attempt's error. */
  private async attempt(url: string, fields: Record<string, string>): Promise<NotificationAttempt> {
    const at = new Date().toISOString();
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const answer = await postForm(url, fields, this.opts.notifyTimeoutMs, controller.signal);
      return {
        at,
        paymentStatus: fields.status,
        httpStatus: answer.status,
        body: answer.body.slice(0, RECORDED_BODY_CHARS),
        error: null,
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { at, paymentStatus: fields.status, httpStatus: null, body: null, error: message.slice(0, RECORDED_BODY_CHARS) };
    } finally {
      this.inFlight.delete(controller);
    }
  }
}
