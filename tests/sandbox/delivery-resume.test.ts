import path from 'node:path';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { SandboxRuns, storedRows, tempDir } from './persistence-support';
import { complete, createOrder, orderState } from './sandbox-client';

/**
 * Notifications still owed when the sandbox stops are delivered by the next sandbox on the
 * same file, on the schedule the first one set. The merchant here refuses every notification
 * (503) until the restart, then answers `sent`.
 */
let temp: ReturnType<typeof tempDir>;
let runs: SandboxRuns;
let merchant: Receiver;
let restarted: boolean;
/** What the merchant answered, in order. */
let answers: { status: number; at: number; body: string }[];

beforeEach(async () => {
  temp = tempDir();
  runs = new SandboxRuns(path.join(temp.dir, 'sandbox.sqlite'), { maxAttempts: 10 });
  restarted = false;
  answers = [];
  merchant = await startReceiver((request) => {
    const answer = restarted ? { status: 200, body: 'sent' } : { status: 503, body: 'busy' };
    answers.push({ status: answer.status, at: Date.now(), body: request.body });
    return answer;
  });
});
afterEach(async () => {
  await runs.close();
  await merchant.close();
  temp.remove();
});

const sentAnswers = () => answers.filter((a) => a.status === 200);

/**
 * Closes the running sandbox (its timers with it) and starts a new one on the same file; the
 * merchant accepts notifications from then on unless told otherwise.
 */
async function restart(options: { retryMs?: number; maxAttempts?: number }, merchantAccepts = true) {
  await runs.close();
  restarted = merchantAccepts;
  return runs.start(options);
}

/** Deliveries the file still owes, read once the sandbox is closed. */
async function owedAfterClose(): Promise<unknown[]> {
  await runs.close();
  return storedRows(runs.databasePath, 'SELECT * FROM deliveries');
}

describe('notifications owed across a restart', () => {
  it('a refused notification is retried by the next sandbox at the time the first one set', async () => {
    const sandbox = await runs.start({ retryMs: 400 });
    const { reference } = await createOrder(sandbox.url, `${merchant.url}/notify`);
    await complete(sandbox.url, reference);
    await waitFor(async () => (await orderState(sandbox.url, reference)).notifications.length >= 1);

    const next = await restart({ retryMs: 400 });
    await waitFor(() => sentAnswers().length === 1, { description: 'delivery after the restart' });
    const order = await waitFor(async () => {
      const state = await orderState(next.url, reference);
      return state.notifications.at(-1)?.body === 'sent' && state;
    });
    // The attempts before the restart are kept, and none came sooner than retryMs after the last.
    expect(order.notifications[0]).toMatchObject({ httpStatus: 503, body: 'busy' });
    const times = order.notifications.map((n: { at: string }) => Date.parse(n.at));
    for (let i = 1; i < times.length; i += 1) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(395);
    expect(await owedAfterClose()).toEqual([]);
    expect(answers).toHaveLength(order.notifications.length);
  });

  it('an attempt already due when the sandbox starts runs at once, not a retry interval later', async () => {
    const sandbox = await runs.start({ retryMs: 200 });
    const { reference } = await createOrder(sandbox.url, `${merchant.url}/notify`);
    await complete(sandbox.url, reference);
    await waitFor(async () => (await orderState(sandbox.url, reference)).notifications.length === 1);
    await runs.close();
    // Let the next attempt fall due while no sandbox runs.
    const due = answers[0].at + 200;
    await waitFor(() => Date.now() > due + 100);

    // A retry interval of a minute: only the resumed, overdue attempt can deliver in time.
    const next = await restart({ retryMs: 60_000 });
    const startedAt = Date.now();
    await waitFor(() => sentAnswers().length === 1, { timeoutMs: 3000, description: 'the overdue attempt' });
    expect(Date.now() - startedAt).toBeLessThan(3000);
    const order = await orderState(next.url, reference);
    expect(order.notifications.map((n: { httpStatus: number }) => n.httpStatus)).toEqual([503, 200]);
  });

  it('a delayed notification whose delay outlasts the sandbox is delivered by the next one, not sooner', async () => {
    const sandbox = await runs.start();
    const { reference } = await createOrder(sandbox.url, `${merchant.url}/notify`);
    const completedAt = Date.now();
    await complete(sandbox.url, reference, { notification: 'delay', delayMs: 1000 });
    await runs.close();
    expect(answers).toHaveLength(0);

    const next = await restart({ retryMs: 60_000 });
    await waitFor(() => sentAnswers().length === 1, { timeoutMs: 4000, description: 'the delayed notification' });
    expect(answers).toHaveLength(1);
    expect(answers[0].at - completedAt).toBeGreaterThanOrEqual(995);
    // Closing before the sandbox recorded the answer would leave the delivery owed (and resent).
    await waitFor(async () => (await orderState(next.url, reference)).notifications.length === 1);
    expect(await owedAfterClose()).toEqual([]);
  });

  it("'duplicate': a second send still owed is made after the restart", async () => {
    const sandbox = await runs.start({ retryMs: 300 });
    const { reference } = await createOrder(sandbox.url, `${merchant.url}/notify`);
    await complete(sandbox.url, reference, { notification: 'duplicate' });
    await waitFor(() => answers.length === 1);

    const next = await restart({ retryMs: 50 });
    await waitFor(() => sentAnswers().length === 2, { description: 'both sends' });
    const [firstSend, secondSend] = sentAnswers();
    expect(secondSend.body).toBe(firstSend.body);
    expect(answers.every((a) => a.body === firstSend.body)).toBe(true);
    await waitFor(async () => (await orderState(next.url, reference)).notifications.length === answers.length);
    expect(await owedAfterClose()).toEqual([]);
  });

  it('attempts made before the restart count towards maxAttempts', async () => {
    const sandbox = await runs.start({ retryMs: 300, maxAttempts: 3 });
    const { reference } = await createOrder(sandbox.url, `${merchant.url}/notify`);
    await complete(sandbox.url, reference);
    await waitFor(() => answers.length === 1);

    // The merchant keeps refusing after the restart.
    const next = await restart({ retryMs: 50, maxAttempts: 3 }, false);
    await waitFor(async () => (await orderState(next.url, reference)).notifications.length === 3, { description: 'three attempts' });
    expect(await owedAfterClose()).toEqual([]);
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
  });
});
