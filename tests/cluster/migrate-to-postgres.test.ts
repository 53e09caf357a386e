/**
 * `npm run migrate-to-postgres`: a shop that ran on SQLite (orders paid, refunded, a held
 * refund, sessions, events) is copied into an empty PostgreSQL database, checked, and then
 * served from it as it was; a database that already holds rows is refused.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/server';
import { createTestDatabase } from '../support/postgres';
import { addFault, adminHeaders, complete, createdOrder, getOrder, refund, shopperHeaders, waitForStatus } from '../server/helpers/shop';
import { http } from '../server/helpers/http';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'server', 'node_modules', '.bin', 'tsx');

async function migrate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['server/migrate/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let sqliteShop: TestServer;
let database: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  sqliteShop = await startTestServer({ env: { DATABASE_URL: undefined } });
  database = await createTestDatabase();
});

afterAll(async () => {
  await sqliteShop?.close();
  await database?.drop();
});

test('copies a SQLite shop into an empty PostgreSQL database, checked, and serves it from there', async () => {
  expect(sqliteShop.storage).toBe('sqlite');
  const paid = await createdOrder(sqliteShop, { items: [{ productId: 'flat-white', quantity: 3 }] });
  await complete(sqliteShop, paid.merchantReference, 'paid');
  await waitForStatus(sqliteShop, paid.merchantReference, 'paid');
  expect((await refund(sqliteShop, paid.merchantReference, { amount: '1.00', reason: 'spilt' })).status).toBe(201);
  // A refund whose outcome Latipay leaves unknown: held.
  await addFault(sqliteShop, { endpoint: 'refund', kind: 'http_500' });
  expect((await refund(sqliteShop, paid.merchantReference, { amount: '0.50', reason: 'cold' })).status).toBe(502);
  const unpaid = await createdOrder(sqliteShop, { items: [{ productId: 'test-item', quantity: 2 }] });
  const before = (await getOrder(sqliteShop, paid.merchantReference)).body.order;
  const { adminToken, databasePath } = sqliteShop;
  const maxId = (await sqliteShop.rows<{ id: number }>('SELECT MAX(id) AS id FROM orders'))[0].id;
  await sqliteShop.stop();

  const env = { DATABASE_PATH: databasePath, DATABASE_URL: database.url };
  const run = await migrate(env);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain('orders 2');
  expect(run.stdout).toContain('refunds 2');
  expect(run.stdout).toMatch(/refunded 100 cents/);

  const pgShop = await startTestServer({ env: { DATABASE_URL: database.url, ADMIN_TOKEN: adminToken ?? undefined } });
  try {
    expect(pgShop.storage).toBe('postgres');
    // The shopper (the same Alipay user, signed in again) reads the order as it was.
    expect((await getOrder(pgShop, paid.merchantReference)).body.order).toEqual(before);
    const owner = await http(`${pgShop.url}/api/admin/anomalies`, { headers: adminHeaders(pgShop) });
    expect(owner.body.heldRefunds).toEqual([expect.objectContaining({ merchantReference: paid.merchantReference, amount: '0.50' })]);
    const rows = await pgShop.rows<{ merchant_reference: string; status: string; refunded_cents: number; amount_cents: number }>(
      'SELECT merchant_reference, status, refunded_cents, amount_cents FROM orders ORDER BY id',
    );
    expect(rows).toEqual([
      { merchant_reference: paid.merchantReference, status: before.status, refunded_cents: 100, amount_cents: 3 * Math.round(Number(before.items[0].unitPrice) * 100) },
      { merchant_reference: unpaid.merchantReference, status: 'pending', refunded_cents: 0, amount_cents: 2 },
    ]);
    // The ids go on after the copied ones.
    const next = await createdOrder(pgShop, undefined, await shopperHeaders(pgShop));
    const [{ id }] = await pgShop.rows<{ id: number }>('SELECT id FROM orders WHERE merchant_reference = ?', next.merchantReference);
    expect(id).toBe(maxId + 1);
  } finally {
    await pgShop.close();
  }

  // Now it holds rows: a second copy is refused, and changes nothing.
  const again = await migrate(env);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^Refused: the PostgreSQL database is not empty \(orders: 3/);
  expect(again.stderr).not.toContain(database.url);
});

test('refuses to run without DATABASE_URL', async () => {
  const run = await migrate({ DATABASE_PATH: '/tmp/none.sqlite' });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('Configuration error: DATABASE_URL: required: the PostgreSQL database to copy the shop into\n');
});
