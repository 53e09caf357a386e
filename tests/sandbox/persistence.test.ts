import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_SANDBOX_DATABASE_PATH, SandboxDatabaseError, startSandbox } from '../../server/sandbox';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { SandboxRuns, storedRows, tempDir } from './persistence-support';
import { complete, createBody, createOrder, orderState, queryUrl, refundBody, request } from './sandbox-client';

let temp: ReturnType<typeof tempDir>;
let runs: SandboxRuns;
let receiver: Receiver;

beforeEach(async () => {
  temp = tempDir();
  runs = new SandboxRuns(path.join(temp.dir, 'nested', 'folder', 'sandbox.sqlite'));
  receiver = await startReceiver();
});
afterEach(async () => {
  await runs.close();
  await receiver.close();
  temp.remove();
});

/** Size and modification time of a file, or null when there is none. */
function statOrNull(file: string): { size: number; mtimeMs: number } | null {
  if (!existsSync(file)) return null;
  const { size, mtimeMs } = statSync(file);
  return { size, mtimeMs };
}

const refund = (url: string, orderId: string, amount: string) => request('POST', `${url}/refund`, refundBody(orderId, amount));

describe('a sandbox on a SQLite file', () => {
  it('creates the file and its folder, and knows its orders after a restart: query, list, complete, refund', async () => {
    let sandbox = await runs.start();
    expect(existsSync(runs.databasePath)).toBe(true);
    const pending = await createOrder(sandbox.url, `${receiver.url}/notify`, { amount: '12.50' });
    const paid = await createOrder(sandbox.url, `${receiver.url}/notify`, { amount: '20.00' });
    await complete(sandbox.url, paid.reference, { notification: 'drop' });
    expect((await refund(sandbox.url, paid.orderId, '2.50')).json.code).toBe(0);
    const before = await request('GET', `${sandbox.url}/sandbox/orders`);

    sandbox = await runs.start();

    // The control API shows exactly what it showed before the restart.
    const after = await request('GET', `${sandbox.url}/sandbox/orders`);
    expect(after.json).toEqual(before.json);
    expect(after.json.orders.map((o: { merchantReference: string }) => o.merchantReference)).toEqual([pending.reference, paid.reference]);
    const paidState = await orderState(sandbox.url, paid.reference);
    expect(paidState).toMatchObject({ status: 'paid', amount: '20.00', refundedAmount: '2.50', orderId: paid.orderId });
    expect(paidState.refunds).toEqual([{ amount: '2.50', reference: 'customer returned it', at: expect.any(String) }]);

    // Query, as a merchant would after the restart.
    const query = await request('GET', queryUrl(sandbox.url, pending.reference));
    expect(query.json).toMatchObject({ code: 0, status: 'pending', order_id: pending.orderId, merchant_reference: pending.reference });
    expect(query.text).toContain('"amount":12.50');

    // A merchant reference used before the restart stays used.
    const reused = await request('POST', `${sandbox.url}/v2/minialipay`, createBody(`${receiver.url}/notify`, { merchant_reference: pending.reference }));
    expect(reused.json).toMatchObject({ code: 207, message: expect.stringContaining('already been used') });

    // Complete the order created before the restart: it is paid and notified.
    expect((await complete(sandbox.url, pending.reference)).json.order.status).toBe('paid');
    const [notification] = await waitFor(() => {
      const got = receiver.requests.filter((r) => r.form.merchant_reference === pending.reference);
      return got.length === 1 && got;
    });
    expect(notification.form).toMatchObject({ status: 'paid', amount: '12.50', order_id: pending.orderId });
    expect((await request('GET', queryUrl(sandbox.url, pending.reference))).json.status).toBe('paid');

    // Refunds count what was refunded before the restart.
    expect((await refund(sandbox.url, paid.orderId, '17.51')).json.code).toBe(550);
    expect((await refund(sandbox.url, paid.orderId, '17.50')).json.code).toBe(0);
    expect((await refund(sandbox.url, paid.orderId, '0.01')).json.code).toBe(562);
    expect((await refund(sandbox.url, pending.orderId, '12.50')).json.code).toBe(0);
    await waitFor(async () => (await orderState(sandbox.url, pending.reference)).notifications.length === 1);

    // And all of it survives one more restart.
    sandbox = await runs.start();
    const again = await orderState(sandbox.url, pending.reference);
    expect(again).toMatchObject({ status: 'paid', refundedAmount: '12.50' });
    expect(again.payTime).not.toBeNull();
    expect(again.notifications).toEqual([
      { at: expect.any(String), paymentStatus: 'paid', httpStatus: 200, body: 'sent', error: null },
    ]);
    expect((await orderState(sandbox.url, paid.reference)).refundedAmount).toBe('20.00');
  });

  it('keeps money as integer cents and times as ISO strings', async () => {
    const sandbox = await runs.start();
    const { reference, orderId } = await createOrder(sandbox.url, `${receiver.url}/notify`, { amount: '0.10' });
    await complete(sandbox.url, reference, { notification: 'drop' });
    await refund(sandbox.url, orderId, '0.03');
    const [order] = storedRows(runs.databasePath, 'SELECT amount_cents, created_at, pay_time FROM orders');
    expect(order.amount_cents).toBe(10);
    for (const time of [order.created_at, order.pay_time]) expect(new Date(time as string).toISOString()).toBe(time);
    expect(storedRows(runs.databasePath, 'SELECT amount_cents FROM refunds')).toEqual([{ amount_cents: 3 }]);
  });

  it('never gives an order id that is already in the file, across restarts', async () => {
    let sandbox = await runs.start();
    const first = await createOrder(sandbox.url, `${receiver.url}/notify`);
    await runs.close();
    // An id later today than this clock would give next (as if written by a sandbox whose clock ran ahead).
    const day = first.orderId.slice(1, 9);
    const planted = `S${day}${String(Number(first.orderId.slice(9)) + 3_600_000).padStart(8, '0')}`;
    const db = new Database(runs.databasePath);
    db.prepare('UPDATE orders SET order_id = ? WHERE order_id = ?').run(planted, first.orderId);
    db.close();

    const ids = [planted];
    for (let run = 0; run < 3; run += 1) {
      sandbox = await runs.start();
      ids.push((await createOrder(sandbox.url, `${receiver.url}/notify`)).orderId);
      ids.push((await createOrder(sandbox.url, `${receiver.url}/notify`)).orderId);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Ids grow within a day; a new UTC day may have begun during the test.
    for (let i = 1; i < ids.length; i += 1) {
      expect(ids[i].slice(1, 9) > ids[i - 1].slice(1, 9) || ids[i] > ids[i - 1]).toBe(true);
    }
    expect((await request('GET', `${sandbox.url}/sandbox/orders`)).json.orders.map((o: { orderId: string }) => o.orderId)).toEqual(ids);
  });

  it('closes the file when it closes: the WAL is folded back and removed', async () => {
    const sandbox = await runs.start();
    await createOrder(sandbox.url, `${receiver.url}/notify`);
    expect(existsSync(`${runs.databasePath}-wal`)).toBe(true);
    await runs.close();
    expect(existsSync(`${runs.databasePath}-wal`)).toBe(false);
    // Nothing holds it: another connection can take an exclusive lock at once.
    const db = new Database(runs.databasePath, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.close();
  });

  it('refuses a path it cannot open, naming it and leaving nothing running', async () => {
    const notAFolder = path.join(temp.dir, 'plain-file');
    writeFileSync(notAFolder, 'not a folder');
    const databasePath = path.join(notAFolder, 'sandbox.sqlite');
    const attempt = startSandbox({ port: 0, databasePath });
    await expect(attempt).rejects.toBeInstanceOf(SandboxDatabaseError);
    await expect(attempt).rejects.toThrow(databasePath);
  });
});

describe('a sandbox in memory', () => {
  it.each([{ databasePath: ':memory:' }, {}])('writes no file and forgets its orders when closed (%j)', async (option) => {
    const defaultFileBefore = statOrNull(DEFAULT_SANDBOX_DATABASE_PATH);
    const first = await startSandbox({ port: 0, ...option });
    let reference: string;
    try {
      const body = createBody(`${receiver.url}/notify`, { user_id: 'U000000001', wallet_id: 'W000000001' }, 'sandbox-dev-api-key');
      reference = body.merchant_reference;
      expect((await request('POST', `${first.url}/v2/minialipay`, body)).json.code).toBe(0);
      expect((await request('GET', `${first.url}/sandbox/orders`)).json.orders).toHaveLength(1);
    } finally {
      await first.close();
    }
    const second = await startSandbox({ port: 0, ...option });
    try {
      expect((await request('GET', `${second.url}/sandbox/orders/${reference}`)).status).toBe(404);
    } finally {
      await second.close();
    }
    expect(existsSync(path.join(process.cwd(), ':memory:'))).toBe(false);
    expect(statOrNull(DEFAULT_SANDBOX_DATABASE_PATH)).toEqual(defaultFileBefore);
  });
});
