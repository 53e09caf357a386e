import type { Order, OrderStatus } from '../../server/contract';
import { confirmPayment, CONFIRM_CHECK_TIMEOUT_MS, CONFIRM_DELAYS_MS, CONFIRM_WINDOW_MS } from '../../utils/confirm';

function order(status: OrderStatus): Order {
  return {
    merchantReference: 'M1',
    status,
    amount: '1.00',
    currency: 'NZD',
    productName: 'P',
    items: [{ productId: 'p', name: 'P', quantity: 1, unitPrice: '1.00', lineTotal: '1.00' }],
    latipayOrderId: 'S1',
    createdAt: '2025-01-01T00:00:00Z',
    paidAt: null,
    refundedAmount: '0.00',
    refunds: [],
  };
}

/** A server that answers with these statuses in turn (an Error is a failed check). */
function server(answers: Array<OrderStatus | Error>) {
  const calls: string[] = [];
  const getOrder = async (ref: string): Promise<Order> => {
    calls.push(ref);
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (next instanceof Error) throw next;
    return order(next as OrderStatus);
  };
  return { calls, getOrder };
}

/** When the checks start against a server that answers at once: the schedule, within the window. */
function checkStarts(): number[] {
  const starts: number[] = [];
  for (let at = 0, i = 0; at < CONFIRM_WINDOW_MS; i += 1) {
    starts.push(at);
    at += CONFIRM_DELAYS_MS[Math.min(i + 1, CONFIRM_DELAYS_MS.length - 1)];
  }
  return starts;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('confirmPayment', () => {
  it('backs off, within about a minute, each check short', () => {
    expect(CONFIRM_WINDOW_MS).toBeGreaterThanOrEqual(50000);
    expect(CONFIRM_WINDOW_MS).toBeLessThanOrEqual(70000);
    expect(CONFIRM_CHECK_TIMEOUT_MS).toBeGreaterThanOrEqual(5000);
    expect(CONFIRM_CHECK_TIMEOUT_MS).toBeLessThanOrEqual(8000);
    expect(CONFIRM_DELAYS_MS[0]).toBe(0);
    for (let i = 1; i < CONFIRM_DELAYS_MS.length; i += 1) {
      expect(CONFIRM_DELAYS_MS[i]).toBeGreaterThanOrEqual(CONFIRM_DELAYS_MS[i - 1]);
    }
  });

  it('asks at once and stops as soon as the server says paid', async () => {
    const { calls, getOrder } = server(['paid']);
    const result = await confirmPayment('M1', { getOrder }).promise;
    expect(result).toMatchObject({ kind: 'paid', order: { status: 'paid' } });
    expect(calls).toEqual(['M1']);
  });

  it('keeps asking, with backoff, while the order is pending', async () => {
    const { calls, getOrder } = server(['pending', 'pending', 'paid']);
    const seen: number[] = [];
    const handle = confirmPayment('M1', { getOrder, onCheck: (_o, check) => seen.push(check) });
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1] - 1);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[2]);
    await expect(handle.promise).resolves.toMatchObject({ kind: 'paid' });
    expect(seen).toEqual([1, 2, 3]);
  });

  it.each(['partially_refunded', 'refunded'] as const)('counts %s as paid', async (status) => {
    await expect(confirmPayment('M1', server([status])).promise).resolves.toMatchObject({ kind: 'paid' });
  });

  it.each(['failed', 'create_failed'] as const)('stops on %s', async (status) => {
    const handle = confirmPayment('M1', server(['pending', status]));
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1]);
    await expect(handle.promise).resolves.toMatchObject({ kind: 'failed', order: { status } });
  });

  it('gives up as unconfirmed when the window closes, with the last order seen', async () => {
    const { calls, getOrder } = server(['pending']);
    const handle = confirmPayment('M1', { getOrder });
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS);
    await expect(handle.promise).resolves.toMatchObject({ kind: 'unconfirmed', order: { status: 'pending' } });
    expect(calls).toHaveLength(checkStarts().length);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a server that never answers: each check gives up quickly, and confirming ends when the window closes', async () => {
    const limits: number[] = [];
    const getOrder = (_ref: string, timeoutMs: number) => {
      limits.push(timeoutMs);
      return new Promise<Order>(() => undefined);
    };
    let result: unknown = null;
    const handle = confirmPayment('M1', { getOrder });
    void handle.promise.then((r) => (result = r));
    await jest.advanceTimersByTimeAsync(CONFIRM_WINDOW_MS - 1);
    expect(result).toBeNull();
    expect(limits.length).toBeGreaterThan(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(result).toEqual({ kind: 'unconfirmed', order: null });
    expect(Math.max(...limits)).toBe(CONFIRM_CHECK_TIMEOUT_MS);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not wait for a check past its timeout: the next one starts on schedule and can land', async () => {
    const answers: Array<(o: Order) => void> = [];
    const getOrder = () => new Promise<Order>((resolve) => answers.push(resolve));
    const handle = confirmPayment('M1', { getOrder, delays: [0, 1000], windowMs: 20000, checkTimeoutMs: 5000 });
    await jest.advanceTimersByTimeAsync(5000 + 1000 - 1);
    expect(answers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(answers).toHaveLength(2);
    answers[1](order('paid'));
    await expect(handle.promise).resolves.toMatchObject({ kind: 'paid' });
  });

  it('rides out failed checks', async () => {
    const handle = confirmPayment('M1', server([new Error('offline'), new Error('offline'), 'paid']));
    await jest.advanceTimersByTimeAsync(CONFIRM_DELAYS_MS[1] + CONFIRM_DELAYS_MS[2]);
    await expect(handle.promise).resolves.toMatchObject({ kind: 'paid' });
  });

  it('is unconfirmed with no order when no check got through', async () => {
    const handle = confirmPayment('M1', { ...server([new Error('offline')]), delays: [0, 10], windowMs: 15 });
    await jest.advanceTimersByTimeAsync(10);
    await expect(handle.promise).resolves.toEqual({ kind: 'unconfirmed', order: null });
  });

  it('stops at once when cancelled, leaving no timer', async () => {
    const { calls, getOrder } = server(['pending']);
    const handle = confirmPayment('M1', { getOrder });
    await jest.advanceTimersByTimeAsync(0);
    handle.cancel();
    await expect(handle.promise).resolves.toEqual({ kind: 'cancelled' });
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(120000);
    expect(calls).toHaveLength(1);
  });

  it('ignores an answer that arrives after cancelling', async () => {
    let answer: ((o: Order) => void) | undefined;
    const handle = confirmPayment('M1', { getOrder: () => new Promise<Order>((resolve) => (answer = resolve)) });
    await jest.advanceTimersByTimeAsync(0);
    handle.cancel();
    (answer as (o: Order) => void)(order('paid'));
    await expect(handle.promise).resolves.toEqual({ kind: 'cancelled' });
  });
});
