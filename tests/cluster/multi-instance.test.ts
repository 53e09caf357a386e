/**
 * Three backend processes on one PostgreSQL database behind a round-robin load balancer, one
 * Latipay sandbox: duplicate creates, notifications and refunds spread over the instances
 * must act once; then one instance is killed (SIGKILL) during a notification burst and the
 * sandbox's retries land on the others. Runs once (on PostgreSQL), whatever the jest project.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { signPaymentResult } from '../../server/latipay';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startBackendProcess, type BackendProcess } from '../support/backend-process';
import { startLoadBalancer, type LoadBalancer } from '../support/load-balancer';
import { createTestDatabase } from '../support/postgres';
import { TEST_DEFAULT_ENV } from '../support/server';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

const ADMIN_TOKEN = `cluster-admin-${randomBytes(8).toString('hex')}`;
let database: { url: string; drop(): Promise<void> };
let db: pg.Pool;
let sandbox: RunningSandbox;
let balancer: LoadBalancer;
let instances: BackendProcess[] = [];
let balancerTargets: string[] = [];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function signIn(instance: BackendProcess, name: string): Promise<Record<string, string>> {
  const { status, body } = await post(`${instance.url}/api/session`, { authCode: `sandbox:${name}` });
  if (status !== 201) throw new Error(`sign-in answered ${status}`);
  return { authorization: `Bearer ${body.token}` };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  sandbox = await startSandbox({
    ...SANDBOX_DEV_CREDENTIALS,
    port: 0,
    databasePath: ':memory:',
    retryMs: 100,
    maxAttempts: 50,
    notifyTimeoutMs: 2000,
  });
  // The balancer's address is every instance's PUBLIC_BASE_URL: Latipay calls back through it.
  balancerTargets = [];
  balancer = await startLoadBalancer(balancerTargets);
  const env = {
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '5',
    LATIPAY_BASE_URL: sandbox.url,
    LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
    LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
    LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
    PUBLIC_BASE_URL: balancer.url,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    // The test servers' limits (off) and reconciler (off): only the rules across instances are tested here.
    ...Object.fromEntries(Object.entries(TEST_DEFAULT_ENV).filter(([name]) => name.startsWith('RATE_LIMIT_') || name.startsWith('RECONCILE_'))),
  };
  // Started together: the migrations must be applied once, whoever comes first.
  instances = await Promise.all([1, 2, 3].map(() => startBackendProcess(env)));
  balancerTargets.push(...instances.map((instance) => instance.url));
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await balancer?.close();
  await sandbox?.close();
  await db?.end();
  await database?.drop();
});

test('the migrations were applied once although three instances started together', async () => {
  const rows = (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
  expect(rows.map((row) => row.version)).toEqual([...new Set(rows.map((row) => row.version))]);
  expect(rows.length).toBeGreaterThanOrEqual(8);
});

describe('three instances on one database', () => {
  // Items of 0.01 × 1–3 and flat whites: refunds of 1 to 3 cents and of dollars.
  const KEYS = 12;
  let references: string[] = [];

  test('the same Idempotency-Key sent to every instance at once makes one order and one Latipay call', async () => {
    const headers = await Promise.all(instances.map(() => signIn(instances[0], 'cluster-shopper')));
    const before = await count('SELECT COUNT(*) AS n FROM orders');
    for (let k = 0; k < KEYS; k++) {
      const key = `cluster-key-${k}-${randomBytes(4).toString('hex')}`;
      const answers = await Promise.all(
        instances.map((instance, i) =>
          post(
            `${instance.url}/api/orders`,
            { items: [{ productId: k % 2 === 0 ? 'test-item' : 'flat-white', quantity: 1 + (k % 3) }] },
            { ...headers[i], 'idempotency-key': key },
          ),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((answer) => answer.body.order.merchantReference)).size).toBe(1);
      references.push(answers[0].body.order.merchantReference);
    }
    expect(await count('SELECT COUNT(*) AS n FROM orders')).toBe(before + KEYS);
    const stats = (await (await fetch(`${sandbox.url}/sandbox/stats`)).json()) as { calls: { create: number } };
    expect(stats.calls.create).toBe(KEYS);
  });

  test('notifications for the same orders, at every instance at once, are applied once each', async () => {
    const orders = (await db.query('SELECT merchant_reference, amount_cents, currency, latipay_order_id FROM orders WHERE merchant_reference = ANY($1)', [references])).rows;
    await Promise.all(
      orders.map(async (order) => {
        // Latipay's own notification (through the balancer), and the same signed one sent to each instance.
        const done = await post(`${sandbox.url}/sandbox/orders/${order.merchant_reference}/complete`, { status: 'paid', notification: 'duplicate' });
        expect(done.status).toBe(200);
        const fields = {
          merchant_reference: order.merchant_reference,
          order_id: order.latipay_order_id,
          currency: order.currency,
          amount: (order.amount_cents / 100).toFixed(2),
          payment_method: 'alipay',
          status: 'paid',
          pay_time: '2026-11-30 10:00:00',
        };
        const form = new URLSearchParams({ ...fields, signature: signPaymentResult(fields, SANDBOX_DEV_CREDENTIALS.apiKey) });
        const answers = await Promise.all(
          instances.map((instance) =>
            fetch(`${instance.url}/api/latipay/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }),
          ),
        );
        for (const answer of answers) expect(answer.status).toBe(200);
      }),
    );
    await waitFor(async () => (await count("SELECT COUNT(*) AS n FROM payment_results WHERE merchant_reference = ANY($1) AND source = 'notify'", [references])) >= references.length * 5, {
      description: 'every notification received',
      timeoutMs: 10_000,
    });
    const applied = (await db.query("SELECT merchant_reference, COUNT(*) AS n FROM payment_results WHERE merchant_reference = ANY($1) AND outcome = 'applied' GROUP BY merchant_reference", [references])).rows;
    expect(applied).toHaveLength(references.length);
    for (const row of applied) expect(Number(row.n)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM orders WHERE merchant_reference = ANY($1) AND status = 'paid'", [references])).toBe(references.length);
  });

  test('concurrent refunds at different instances never refund more than the amount', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const orders = (await db.query('SELECT merchant_reference, amount_cents FROM orders WHERE merchant_reference = ANY($1)', [references])).rows;
    await Promise.all(
      orders.map(async (order) => {
        // 3 × 40% (rounded up): at most two fit, at most one when the amount is 1 or 2 cents.
        const cents = Math.ceil(order.amount_cents * 0.4);
        const fit = Math.floor(order.amount_cents / cents);
        const answers = await Promise.all(
          instances.map((instance, i) =>
            post(
              `${instance.url}/api/admin/orders/${order.merchant_reference}/refunds`,
              { amount: (cents / 100).toFixed(2), reason: `cluster ${i}` },
              { ...admin, 'idempotency-key': `r-${order.merchant_reference}-${i}` },
            ),
          ),
        );
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses).toEqual([...Array(fit).fill(201), ...Array(3 - fit).fill(409)]);
        // Over the balance while another is reserved; or, once an earlier one refunded it all, no longer refundable.
        for (const answer of answers.filter((a) => a.status === 409)) {
          expect(['refund_exceeds_balance', 'order_not_refundable']).toContain(answer.body.error.code);
        }
      }),
    );
    const over = await count('SELECT COUNT(*) AS n FROM orders WHERE merchant_reference = ANY($1) AND refunded_cents > amount_cents', [references]);
    expect(over).toBe(0);
    const sums = (await db.query(
      `SELECT o.merchant_reference, o.refunded_cents, COALESCE(SUM(r.amount_cents), 0) AS refunds
       FROM orders o LEFT JOIN refunds r ON r.merchant_reference = o.merchant_reference AND r.status = 'succeeded'
       WHERE o.merchant_reference = ANY($1) GROUP BY o.merchant_reference, o.refunded_cents`,
      [references],
    )).rows;
    for (const row of sums) expect(Number(row.refunds)).toBe(row.refunded_cents);
  });

  test('every order is readable from every instance', async () => {
    for (const instance of instances) {
      const headers = await signIn(instance, 'cluster-shopper');
      for (const reference of references) {
        const res = await fetch(`${instance.url}/api/orders/${reference}`, { headers });
        expect(res.status).toBe(200);
        expect(['partially_refunded', 'refunded']).toContain(((await res.json()) as { order: { status: string } }).order.status);
      }
    }
  });
});

test('an instance killed (SIGKILL) during a notification burst: nothing lost, nothing applied twice', async () => {
  const headers = await signIn(instances[0], 'burst-shopper');
  const burst = 40;
  const created = await Promise.all(
    Array.from({ length: burst }, (_, i) => post(`${instances[i % 2].url}/api/orders`, { items: [{ productId: 'test-item', quantity: 1 }] }, headers)),
  );
  for (const answer of created) expect(answer.status).toBe(201);
  const references = created.map((answer) => answer.body.order.merchantReference as string);

  // Latipay notifies each payment through the balancer, which sends a third of them to the instance about to die.
  const completing = Promise.all(
    references.map((reference) => post(`${sandbox.url}/sandbox/orders/${reference}/complete`, { status: 'paid', notification: 'deliver' })),
  );
  await waitFor(async () => (await count("SELECT COUNT(*) AS n FROM orders WHERE merchant_reference = ANY($1) AND status = 'paid'", [references])) >= 3, {
    description: 'the burst under way',
    timeoutMs: 10_000,
    intervalMs: 2,
  });
  const answeredByVictim = balancer.answered[2];
  await instances[2].kill9();
  const paidAtKill = await count("SELECT COUNT(*) AS n FROM orders WHERE merchant_reference = ANY($1) AND status = 'paid'", [references]);
  for (const done of await completing) expect(done.status).toBe(200);
  // It had its share of the burst, died in the middle of it, and is gone.
  expect(answeredByVictim).toBeGreaterThan(0);
  expect(paidAtKill).toBeLessThan(burst);
  await expect(fetch(`${instances[2].url}/healthz`)).rejects.toThrow();

  await waitFor(async () => (await count("SELECT COUNT(*) AS n FROM orders WHERE merchant_reference = ANY($1) AND status = 'paid'", [references])) === burst, {
    description: 'every order paid through the surviving instances',
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  const applied = (await db.query("SELECT merchant_reference, COUNT(*) AS n FROM payment_results WHERE merchant_reference = ANY($1) AND outcome = 'applied' GROUP BY merchant_reference", [references])).rows;
  expect(applied).toHaveLength(burst);
  for (const row of applied) expect(Number(row.n)).toBe(1);
  // The survivors answer for every order.
  const survivor = await signIn(instances[1], 'burst-shopper');
  for (const reference of references) {
    const res = await fetch(`${instances[1].url}/api/orders/${reference}`, { headers: survivor });
    expect(((await res.json()) as { order: { status: string } }).order.status).toBe('paid');
  }
});
