import { verifyPaymentResult } from '../../server/latipay';
import { startSandbox } from '../../server/sandbox';
import { startReceiver, unusedLocalUrl, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { ACCOUNT, complete, createOrder, orderState } from './sandbox-client';

const RETRY_MS = 50;
const MAX_ATTEMPTS = 3;

let sandbox: { url: string; close(): Promise<void> };
let receiver: Receiver;

beforeAll(async () => {
  sandbox = await startSandbox({ ...ACCOUNT, retryMs: RETRY_MS, maxAttempts: MAX_ATTEMPTS, notifyTimeoutMs: 200, port: 0 });
  receiver = await startReceiver((request) => {
    // Each test picks its merchant's behaviour through the callback path.
    const behaviour = new URL(request.url, 'http://x').searchParams.get('answer') ?? 'sent';
    if (behaviour === 'sent') return { status: 200, body: 'sent' };
    if (behaviour === 'ok') return { status: 200, body: 'ok' };
    if (behaviour === 'sent-newline') return { status: 200, body: 'sent\n' };
    return { status: 500, body: 'internal error' };
  });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

const callback = (answer: string) => `${receiver.url}/latipay/notify?answer=${answer}`;
const received = (reference: string) => receiver.requests.filter((r) => r.form.merchant_reference === reference);

/**
 * A fence for "nothing more will come": a delayed notification for another order, scheduled
 * now, fires after every timer the sandbox scheduled earlier with a shorter delay.
 */
async function fence(afterMs: number): Promise<void> {
  const { reference } = await createOrder(sandbox.url, callback('sent'));
  await complete(sandbox.url, reference, { notification: 'delay', delayMs: afterMs });
  await waitFor(async () => (await orderState(sandbox.url, reference)).notifications.length === 1, { description: 'fence' });
}

describe('payment-result notifications', () => {
  it('delivers a form-encoded notification whose signature verifies', async () => {
    const { reference, orderId } = await createOrder(sandbox.url, callback('sent'), { amount: '12.50' });
    const done = await complete(sandbox.url, reference);
    expect(done.status).toBe(200);
    expect(done.json.order.status).toBe('paid');

    const [notification] = await waitFor(() => received(reference).length === 1 && received(reference));
    expect(notification.method).toBe('POST');
    expect(notification.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const form = notification.form;
    expect(form).toMatchObject({
      merchant_reference: reference,
      order_id: orderId,
      currency: 'NZD',
      amount: '12.50',
      payment_method: 'alipay',
      status: 'paid',
    });
    expect(form.pay_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(verifyPaymentResult(form as never, form.signature, ACCOUNT.apiKey)).toBe(true);

    const order = await waitFor(async () => {
      const state = await orderState(sandbox.url, reference);
      return state.notifications.length === 1 && state;
    });
    expect(order.notifications[0]).toMatchObject({ paymentStatus: 'paid', httpStatus: 200, body: 'sent', error: null });
    expect(new Date(order.notifications[0].at).toISOString()).toBe(order.notifications[0].at);
    expect(order.payTime).not.toBeNull();
    await fence(RETRY_MS * 4);
    expect(received(reference)).toHaveLength(1);
  });

  it.each(['ok', 'sent-newline', 'error'])('retries a merchant answering %p, records each attempt, stops after maxAttempts', async (answer) => {
    const { reference } = await createOrder(sandbox.url, callback(answer));
    await complete(sandbox.url, reference);
    const order = await waitFor(async () => {
      const state = await orderState(sandbox.url, reference);
      return state.notifications.length === MAX_ATTEMPTS && state;
    });
    const expected =
      answer === 'ok'
        ? { httpStatus: 200, body: 'ok' }
        : answer === 'error'
          ? { httpStatus: 500, body: 'internal error' }
          : { httpStatus: 200, body: 'sent\n' };
    for (const attempt of order.notifications) expect(attempt).toMatchObject({ ...expected, error: null });
    await fence(RETRY_MS * 6);
    expect(received(reference)).toHaveLength(MAX_ATTEMPTS);
    expect((await orderState(sandbox.url, reference)).notifications).toHaveLength(MAX_ATTEMPTS);
  });

  it('stops retrying once the merchant answers sent', async () => {
    let answers = 0;
    const flaky = await startReceiver(() => {
      answers += 1;
      return answers === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'sent' };
    });
    try {
      const { reference } = await createOrder(sandbox.url, `${flaky.url}/notify`);
      await complete(sandbox.url, reference);
      const order = await waitFor(async () => {
        const state = await orderState(sandbox.url, reference);
        return state.notifications.length === 2 && state;
      });
      expect(order.notifications.map((n: { httpStatus: number }) => n.httpStatus)).toEqual([503, 200]);
      await fence(RETRY_MS * 6);
      expect(flaky.requests).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it('records a merchant that cannot be reached as attempts without HTTP status', async () => {
    const { reference } = await createOrder(sandbox.url, `${await unusedLocalUrl()}/notify`);
    await complete(sandbox.url, reference);
    const order = await waitFor(async () => {
      const state = await orderState(sandbox.url, reference);
      return state.notifications.length === MAX_ATTEMPTS && state;
    });
    for (const attempt of order.notifications) {
      expect(attempt.httpStatus).toBeNull();
      expect(attempt.body).toBeNull();
      expect(attempt.error).toMatch(/ECONNREFUSED/);
    }
  });

  it('gives up on an attempt the merchant does not answer within notifyTimeoutMs, and retries', async () => {
    const hung = await startReceiver(() => new Promise(() => undefined));
    try {
      const { reference } = await createOrder(sandbox.url, `${hung.url}/notify`);
      await complete(sandbox.url, reference);
      const order = await waitFor(async () => {
        const state = await orderState(sandbox.url, reference);
        return state.notifications.length === 2 && state;
      });
      for (const attempt of order.notifications) {
        expect(attempt).toMatchObject({ httpStatus: null, body: null, error: 'no answer within 200 ms' });
      }
    } finally {
      await hung.close();
    }
  });

  it('records a long merchant answer truncated to 200 characters', async () => {
    const chatty = await startReceiver(() => ({ status: 200, body: 'x'.repeat(1000) }));
    try {
      const { reference } = await createOrder(sandbox.url, `${chatty.url}/notify`);
      await complete(sandbox.url, reference);
      const order = await waitFor(async () => {
        const state = await orderState(sandbox.url, reference);
        return state.notifications.length >= 1 && state;
      });
      expect(order.notifications[0].body).toBe('x'.repeat(200));
    } finally {
      await chatty.close();
    }
  });

  it('duplicate: delivers the same notification twice', async () => {
    const { reference } = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, reference, { notification: 'duplicate' });
    const both = await waitFor(() => received(reference).length === 2 && received(reference));
    expect(both[1].body).toBe(both[0].body);
    expect(verifyPaymentResult(both[1].form as never, both[1].form.signature, ACCOUNT.apiKey)).toBe(true);
    await fence(RETRY_MS * 4);
    expect(received(reference)).toHaveLength(2);
  });

  it('drop: changes the state but never notifies', async () => {
    const { reference } = await createOrder(sandbox.url, callback('sent'));
    const done = await complete(sandbox.url, reference, { notification: 'drop' });
    expect(done.json.order.status).toBe('paid');
    await fence(RETRY_MS * 4);
    expect(received(reference)).toHaveLength(0);
    expect((await orderState(sandbox.url, reference)).notifications).toHaveLength(0);
  });

  it('bad_signature: notifies with a signature that does not verify, and retries the refusal', async () => {
    const { reference } = await createOrder(sandbox.url, callback('error'));
    await complete(sandbox.url, reference, { notification: 'bad_signature' });
    const attempts = await waitFor(() => received(reference).length === MAX_ATTEMPTS && received(reference));
    for (const { form } of attempts) {
      expect(form.status).toBe('paid');
      expect(form.signature).toMatch(/^[0-9a-f]{64}$/);
      expect(verifyPaymentResult(form as never, form.signature, ACCOUNT.apiKey)).toBe(false);
    }
  });

  it('delay: the first attempt comes no earlier than delayMs after completion', async () => {
    const { reference } = await createOrder(sandbox.url, callback('sent'));
    const before = Date.now();
    await complete(sandbox.url, reference, { notification: 'delay', delayMs: 200 });
    const order = await waitFor(async () => {
      const state = await orderState(sandbox.url, reference);
      return state.notifications.length === 1 && state;
    });
    // Timers never fire early; 5 ms allows for millisecond rounding of the two clock reads.
    expect(Date.parse(order.notifications[0].at) - before).toBeGreaterThanOrEqual(195);
    expect(order.notifications[0]).toMatchObject({ httpStatus: 200, body: 'sent' });
  });

  it('notifies failed and canceled results, then a late payment', async () => {
    const { reference } = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, reference, { status: 'failed' });
    await waitFor(() => received(reference).length === 1);
    const late = await complete(sandbox.url, reference, { status: 'paid' });
    expect(late.status).toBe(200);
    const [failed, paid] = await waitFor(() => received(reference).length === 2 && received(reference));
    expect([failed.form.status, paid.form.status]).toEqual(['failed', 'paid']);
    for (const { form } of [failed, paid]) {
      expect(verifyPaymentResult(form as never, form.signature, ACCOUNT.apiKey)).toBe(true);
    }

    const other = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, other.reference, { status: 'canceled' });
    const [canceled] = await waitFor(() => received(other.reference).length === 1 && received(other.reference));
    expect(canceled.form.status).toBe('canceled');
  });
});

describe('order state transitions', () => {
  it('refuses anything after paid with 409, changing nothing', async () => {
    const { reference } = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, reference, { notification: 'drop' });
    for (const status of ['paid', 'failed', 'canceled']) {
      const answer = await complete(sandbox.url, reference, { status, notification: 'drop' });
      expect(answer.status).toBe(409);
      expect(answer.json.error.code).toBe('invalid_transition');
    }
    expect((await orderState(sandbox.url, reference)).status).toBe('paid');
  });

  it('refuses failed -> canceled and canceled -> failed', async () => {
    const a = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, a.reference, { status: 'failed', notification: 'drop' });
    expect((await complete(sandbox.url, a.reference, { status: 'canceled', notification: 'drop' })).status).toBe(409);
    expect((await complete(sandbox.url, a.reference, { status: 'failed', notification: 'drop' })).status).toBe(409);
    const b = await createOrder(sandbox.url, callback('sent'));
    await complete(sandbox.url, b.reference, { status: 'canceled', notification: 'drop' });
    expect((await complete(sandbox.url, b.reference, { status: 'failed', notification: 'drop' })).status).toBe(409);
    expect((await orderState(sandbox.url, b.reference)).status).toBe('canceled');
  });
});
