/**
 * Alipay's cashier for the e2e tests: my.tradePay(orderStr) checks the Alipay order the way
 * the cashier would (intact, signed by the partner), finds the Latipay order behind it
 * (out_trade_no is Latipay's order id) in the sandbox and settles it there through the
 * control API, then answers the result code a real cashier would. Each payment plays the
 * next move the test queued.
 */
import { alipayMd5Sign, SANDBOX_ALIPAY_PARTNER_KEY, type SandboxOrderView } from '../../../server/sandbox';
import type { Cashier, CashierReply } from '../../miniapp/harness';
import { waitFor } from '../../support/wait';

type Notification = 'deliver' | 'duplicate' | 'drop' | 'bad_signature' | 'delay';

export interface CashierMove {
  /** What my.tradePay answers. */
  resultCode: string;
  /** What happens to the order at Latipay; none: the shopper left without paying. */
  settle?: { status: 'paid' | 'failed'; notification: Notification; delayMs?: number };
  /**
   * Answer only once the sandbox has delivered the notification (HTTP 200 `sent`) this many
   * times: the cashier's answer then comes after the merchant heard of the payment.
   */
  deliveries?: number;
  /** Answer only once the sandbox has made this many notification attempts, whatever they got. */
  attempts?: number;
}

/** Moves named after what the shopper sees at the cashier. */
export const MOVES = {
  /** Pays; Alipay tells Latipay and Latipay the merchant before the cashier closes. */
  pay: { resultCode: '9000', settle: { status: 'paid', notification: 'deliver' }, deliveries: 1 },
  /** Pays; the notification is on its way much later (after the test has ended). */
  payNotificationDelayed: { resultCode: '9000', settle: { status: 'paid', notification: 'delay', delayMs: 600_000 } },
  cancel: { resultCode: '6001' },
  forgotPassword: { resultCode: '99' },
  fail: { resultCode: '4000', settle: { status: 'failed', notification: 'deliver' }, deliveries: 1 },
  /** The cashier says 9000, but Latipay tells the merchant the payment failed. */
  paidButReportedFailed: { resultCode: '9000', settle: { status: 'failed', notification: 'deliver' }, deliveries: 1 },
  networkError: { resultCode: '6002' },
} satisfies Record<string, CashierMove>;

export interface CashierPayment {
  orderStr: string;
  merchantReference: string;
  move: CashierMove;
}

function parseOrderStr(orderStr: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of orderStr.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`orderStr has a part without key=value: ${pair}`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}

export class FakeCashier {
  private readonly moves: CashierMove[] = [];
  /** Every payment the cashier handled, in order. */
  readonly payments: CashierPayment[] = [];

  constructor(private readonly latipayUrl: string) {}

  /** Queues what the next payments do, in order. */
  plays(...moves: CashierMove[]): this {
    this.moves.push(...moves);
    return this;
  }

  /** The merchant references whose money actually moved at the cashier. */
  get charged(): string[] {
    return this.payments.filter((p) => p.move.settle?.status === 'paid').map((p) => p.merchantReference);
  }

  readonly cashier: Cashier = async (orderStr) => this.pay(orderStr);

  private async pay(orderStr: string): Promise<CashierReply> {
    const move = this.moves.shift();
    if (!move) throw new Error('the cashier opened but the test queued no move for it');
    const params = parseOrderStr(orderStr);
    if (params.sign !== alipayMd5Sign(params, SANDBOX_ALIPAY_PARTNER_KEY)) {
      throw new Error(`the cashier got an orderStr whose signature does not verify: ${orderStr}`);
    }
    const order = await this.findOrder(params.out_trade_no);
    if (params.total_fee !== order.amount) throw new Error(`total_fee ${params.total_fee} is not the order's ${order.amount}`);
    this.payments.push({ orderStr, merchantReference: order.merchantReference, move });
    if (move.settle) {
      await this.control('POST', `/sandbox/orders/${order.merchantReference}/complete`, move.settle);
      if (move.deliveries) await this.untilNotified(order.merchantReference, (o) => delivered(o) >= (move.deliveries ?? 0));
      if (move.attempts) await this.untilNotified(order.merchantReference, (o) => o.notifications.length >= (move.attempts ?? 0));
    }
    return { resultCode: move.resultCode };
  }

  private async findOrder(latipayOrderId: string | undefined): Promise<SandboxOrderView> {
    const { orders } = (await this.control('GET', '/sandbox/orders')) as { orders: SandboxOrderView[] };
    const order = orders.find((o) => o.orderId === latipayOrderId);
    if (!order) throw new Error(`Latipay has no order ${latipayOrderId}`);
    return order;
  }

  private async untilNotified(ref: string, done: (order: SandboxOrderView) => boolean): Promise<void> {
    await waitFor(
      async () => done(((await this.control('GET', `/sandbox/orders/${ref}`)) as { order: SandboxOrderView }).order),
      { description: `the notifications of ${ref}` },
    );
  }

  private async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.latipayUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
}

/** Notification attempts the merchant accepted. */
export function delivered(order: SandboxOrderView): number {
  return order.notifications.filter((n) => n.httpStatus === 200 && n.body === 'sent').length;
}
