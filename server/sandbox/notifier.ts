import type { FastifyBaseLogger } from 'fastify';
import { formatCents, signPaymentResult } from '../latipay';
import type { NotificationAttempt, SandboxOrder } from './orders';
import { postForm } from './post-form';
import type { Delivery, SandboxStore } from './store';
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
  store: SandboxStore;
  timers: TimerSet;
  log: FastifyBaseLogger;
}

/**
 * Delivers payment-result notifications to an order's callback_url the way Latipay does:
 * form-encoded POST, retried every retryMs until the merchant answers HTTP 200 with exactly
 * `sent`, here at most maxAttempts times. Every attempt is recorded on the order, and every
 * delivery still owed is kept in the store, so that it resumes after a restart.
 */
export class Notifier {
  private readonly inFlight = new Set<AbortController>();
  private closed = false;
  /** Deliveries an earlier run still owed, until resume() schedules them. */
  private owed: Delivery[];

  constructor(private readonly opts: NotifierOptions) {
    this.owed = opts.store.deliveries.all();
  }

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
    const firstDelayMs = mode === 'delay' ? (delayMs ?? this.opts.retryMs) : 0;
    const delivery = this.opts.store.deliveries.add({
      orderId: order.orderId,
      callbackUrl: order.callbackUrl,
      fields: this.notificationFor(order, completedAt, mode === 'bad_signature'),
      mode,
      secondSendOwed: mode === 'duplicate',
      attempts: 0,
      nextAttemptAt: new Date(completedAt.getTime() + firstDelayMs),
    });
    this.schedule(delivery);
  }

  /**
   * Schedules the deliveries an earlier run still owed (those found when this notifier was
   * made; later ones are scheduled by notify): one whose next attempt is due runs at once, the
   * others at their time. Later calls do nothing.
   */
  resume(): void {
    const owed = this.owed;
    this.owed = [];
    for (const delivery of owed) this.schedule(delivery);
  }

  /** Aborts attempts in flight; the TimerSet owner stops the scheduled ones. */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private schedule(delivery: Delivery): void {
    const waitMs = Math.max(0, delivery.nextAttemptAt.getTime() - Date.now());
    this.opts.timers.schedule(waitMs, () => {
      this.run(delivery.id).catch((err: Error) =>
        this.opts.log.error({ errorMessage: err.message }, 'sandbox notification delivery failed'),
      );
    });
  }

  private async run(id: number): Promise<void> {
    const delivery = this.opts.store.deliveries.find(id);
    if (!delivery) return;
    const attempt = await this.attempt(delivery.callbackUrl, delivery.fields);
    // Cut short by closing: not counted, it is made again after a restart on the same database.
    if (this.closed) return;
    const attempts = delivery.attempts + 1;
    const delivered = attempt.httpStatus === 200 && attempt.body === 'sent';
    const reference = delivery.fields.merchant_reference;
    this.opts.log.info(
      { merchantReference: reference, attempt: attempts, httpStatus: attempt.httpStatus, delivered },
      'sandbox notification attempt',
    );
    const done = delivered || attempts >= this.opts.maxAttempts;
    if (!delivered && done) this.opts.log.warn({ merchantReference: reference }, 'sandbox notification given up');

    const next = this.opts.store.transaction((): Delivery | null => {
      this.opts.store.orders.addNotificationAttempt(delivery.orderId, attempt);
      if (!done) return this.update({ ...delivery, attempts, nextAttemptAt: new Date(Date.now() + this.opts.retryMs) });
      // 'duplicate': once the first send is over, the same notification is sent again.
      if (delivery.secondSendOwed) {
        return this.update({ ...delivery, secondSendOwed: false, attempts: 0, nextAttemptAt: new Date() });
      }
      this.opts.store.deliveries.remove(id);
      return null;
    });
    if (next) this.schedule(next);
  }

  private update(delivery: Delivery): Delivery {
    this.opts.store.deliveries.update(delivery);
    return delivery;
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
