import { createHmac } from 'node:crypto';
import type { Order } from '../../server/contract';
import { startTestServer, type TestServer } from '../support/server';
import { http } from './helpers/http';
import { addFault, adminHeaders, complete, createdOrder, refund, sandboxCalls, waitForStatus } from './helpers/shop';

/**
 * The dashboard at /admin over real HTTP, as a browser without script uses it: forms posted
 * form-encoded, cookies kept per client, redirects not followed (so each one is checked).
 */

interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  setCookies: string[];
}

class Client {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly base: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  private async send(path: string, init: RequestInit): Promise<Page> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...this.extraHeaders, ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) };
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location'), setCookies };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.send(path, { method: 'GET', headers });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The CSRF token of the page's first form (or of the form posting to `action`). */
function csrfOf(html: string, action?: string): string {
  const form = action === undefined ? html : html.slice(html.indexOf(`action="${action}"`));
  const match = /name="_csrf" value="([^"]+)"/.exec(form);
  if (!match) throw new Error(`no CSRF token in the page${action ? ` for ${action}` : ''}`);
  return decode(match[1]);
}

function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no field ${name}`);
  return decode(match[1]);
}

/** The text of the element marked data-testid="id", tags stripped, spaces collapsed. */
function testId(html: string, id: string): string {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element ${id}`);
  const start = match.index + match[0].length;
  const inner = html.slice(start, html.indexOf(`</${match[1]}>`, start));
  return decode(inner.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** The merchant references listed on an orders page, in order. */
function references(html: string): string[] {
  return [...html.matchAll(/class="ref" href="[^"]*">([^<]+)<\/a>/g)].map((m) => m[1]);
}

async function signInPage(client: Client): Promise<string> {
  const page = await client.get('/admin/sign-in');
  expect(page.status).toBe(200);
  return csrfOf(page.text);
}

async function signIn(server: TestServer, client = new Client(server.url)): Promise<Client> {
  const _csrf = await signInPage(client);
  const res = await client.post('/admin/sign-in', { _csrf, token: server.adminToken! });
  expect(res.status).toBe(303);
  expect(res.location).toBe('/admin/orders');
  return client;
}

const cookieNamed = (page: Page, name: string) => page.setCookies.find((line) => line.startsWith(`${name}=`));

/** What admin_sessions keeps of a session cookie: an HMAC keyed by the admin token (never the token itself). */
const sessionHash = (server: TestServer, cookie: string) => createHmac('sha256', `admin-session:${server.adminToken}`).update(cookie).digest('hex');

async function paidOrder(server: TestServer, body: unknown = { productId: 'flat-white', quantity: 2 }, shopper?: string): Promise<Order> {
  const order = await createdOrder(server, body, {}, shopper);
  await complete(server, order.merchantReference, 'paid');
  return waitForStatus(server, order.merchantReference, 'paid', shopper);
}

describe('dashboard disabled', () => {
  it('says so on every page, and signs nobody in, while ADMIN_TOKEN is unset', async () => {
    const server = await startTestServer({ env: { ADMIN_TOKEN: undefined } });
    try {
      const client = new Client(server.url);
      for (const path of ['/admin', '/admin/sign-in', '/admin/orders']) {
        const page = await client.get(path);
        expect(page.status).toBe(503);
        expect(testId(page.text, 'disabled')).toContain('ADMIN_TOKEN is not set');
        expect(page.text).not.toContain('name="token"');
      }
      const posted = await client.post('/admin/sign-in', { token: 'anything-at-all-long' });
      expect(posted.status).toBe(503);
      expect(posted.setCookies).toEqual([]);
      const zh = await client.get('/admin?lang=zh');
      expect(testId(zh.text, 'disabled')).toContain('后台已关闭');
    } finally {
      await server.close();
    }
  });
});

describe('dashboard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ADMIN_SESSION_TTL_S: '600' } });
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await http(`${server.sandboxUrl}/sandbox/faults`, { method: 'DELETE' });
  });

  describe('sign-in', () => {
    it('sends a browser that is not signed in to the form, in a strict Content-Security-Policy and never cached', async () => {
      const client = new Client(server.url);
      for (const path of ['/admin', '/admin/orders', '/admin/anomalies']) {
        const page = await client.get(path);
        expect(page.status).toBe(303);
        expect(page.location).toBe('/admin/sign-in');
      }
      const form = await client.get('/admin/sign-in');
      expect(form.text).toContain('<label for="token">Admin token</label>');
      expect(form.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
      expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(form.headers.get('cache-control')).toBe('no-store');
      expect(form.text).not.toMatch(/<script|style="/);
    });

    it('exchanges the admin token for an HttpOnly, SameSite=Strict, expiring session cookie on /admin, kept only as an HMAC keyed by the admin token', async () => {
      const client = new Client(server.url);
      const _csrf = await signInPage(client);
      const res = await client.post('/admin/sign-in', { _csrf, token: server.adminToken! });
      expect(res.status).toBe(303);
      const cookie = cookieNamed(res, 'admin_session')!;
      const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/admin', 'max-age=600']));
      expect(attributes).not.toContain('secure');

      const token = client.cookies.get('admin_session')!;
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const rows = await server.rows<{ token_hash: string; expires_at: string }>('SELECT token_hash, expires_at FROM admin_sessions');
      expect(rows.map((row) => row.token_hash)).toContain(sessionHash(server, token));
      expect(rows.map((row) => row.token_hash)).not.toContain(token);
      const dump = JSON.stringify([...rows, ...(await server.rows('SELECT * FROM events'))]);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(server.adminToken);
      expect(server.logs.join('\n')).not.toContain(token);
      expect(server.logs.join('\n')).not.toContain(server.adminToken);

      const orders = await client.get('/admin/orders');
      expect(orders.status).toBe(200);
      expect(orders.text).toMatch(/Signed in as web-[0-9a-f]{8}/);
    });

    it('refuses a wrong token with 401 and no session', async () => {
      const client = new Client(server.url);
      const _csrf = await signInPage(client);
      const res = await client.post('/admin/sign-in', { _csrf, token: `${server.adminToken}x` });
      expect(res.status).toBe(401);
      expect(res.text).toContain('That token is not right.');
      expect(cookieNamed(res, 'admin_session')).toBeUndefined();
      expect((await client.get('/admin/orders')).status).toBe(303);
    });

    it('ends every session when ADMIN_TOKEN changes (after a leak)', async () => {
      const own = await startTestServer();
      try {
        const client = await signIn(own);
        expect((await client.get('/admin/orders')).status).toBe(200);
        const changed = await own.restart({ env: { ADMIN_TOKEN: `${own.adminToken}-changed` } });
        try {
          // The same port: the same browser, its cookie unchanged.
          expect(changed.url).toBe(own.url);
          const page = await client.get('/admin/orders');
          expect(page.status).toBe(303);
          expect(page.location).toBe('/admin/sign-in');
        } finally {
          await changed.close();
        }
      } finally {
        await own.close();
      }
    });

    it('ends an expired session', async () => {
      const client = await signIn(server);
      const hash = sessionHash(server, client.cookies.get('admin_session')!);
      await server.rows('UPDATE admin_sessions SET expires_at = ? WHERE token_hash = ? RETURNING token_hash', new Date(Date.now() - 1000).toISOString(), hash);
      const page = await client.get('/admin/orders');
      expect(page.status).toBe(303);
      expect(page.location).toBe('/admin/sign-in');
    });

    it('signs out: the session row is gone, so the old cookie no longer works', async () => {
      const client = await signIn(server);
      const oldCookie = client.cookies.get('admin_session')!;
      const orders = await client.get('/admin/orders');
      const res = await client.post('/admin/sign-out', { _csrf: csrfOf(orders.text, '/admin/sign-out') });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/admin/sign-in?signedOut=1');
      expect(cookieNamed(res, 'admin_session')).toMatch(/Max-Age=0/i);

      const replay = new Client(server.url);
      replay.cookies.set('admin_session', oldCookie);
      expect((await replay.get('/admin/orders')).status).toBe(303);
      const hash = sessionHash(server, oldCookie);
      expect(await server.rows('SELECT * FROM admin_sessions WHERE token_hash = ?', hash)).toEqual([]);
      const kinds = await server.rows<{ kind: string; actor: string }>(
        "SELECT kind, actor FROM events WHERE merchant_reference IS NULL AND kind LIKE 'admin_signed_%' ORDER BY id",
      );
      expect(kinds.at(-1)).toEqual({ kind: 'admin_signed_out', actor: expect.stringMatching(/^admin:web-[0-9a-f]{8}$/) });
    });
  });

  describe('CSRF', () => {
    it('refuses the sign-in form without its token', async () => {
      const client = new Client(server.url);
      await signInPage(client);
      const res = await client.post('/admin/sign-in', { token: server.adminToken! });
      expect(res.status).toBe(403);
      expect(cookieNamed(res, 'admin_session')).toBeUndefined();
    });

    it('refuses a form posted with a valid session cookie but without its token, or with a token of another session', async () => {
      const order = await paidOrder(server);
      const client = await signIn(server);
      const other = await signIn(server);
      const path = `/admin/orders/${order.merchantReference}/refund-review`;
      const withoutToken = await client.post(path, { amount: '1.00', reason: 'no token' });
      expect(withoutToken.status).toBe(403);
      expect(withoutToken.text).toContain('This form has expired or did not come from this dashboard');

      const othersPage = await other.get(`/admin/orders/${order.merchantReference}`);
      const othersToken = csrfOf(othersPage.text, path);
      const crossed = await client.post(path, { _csrf: othersToken, amount: '1.00', reason: 'token of another session' });
      expect(crossed.status).toBe(403);
      expect(await server.rows('SELECT id FROM refunds WHERE merchant_reference = ?', order.merchantReference)).toEqual([]);
    });
  });

  describe('refunds', () => {
    it('refunds once when the confirmation is submitted twice at the same time', async () => {
      const order = await paidOrder(server);
      const client = await signIn(server);
      const page = await client.get(`/admin/orders/${order.merchantReference}`);
      expect(hidden(page.text, 'amount')).toBe('11.00');
      const review = await client.post(`/admin/orders/${order.merchantReference}/refund-review`, {
        _csrf: csrfOf(page.text, `/admin/orders/${order.merchantReference}/refund-review`),
        amount: '4',
        reason: 'two cups were cold',
      });
      expect(review.status).toBe(200);
      expect(testId(review.text, 'confirm-what')).toBe(
        `Latipay will be asked to refund 4.00 NZD of order ${order.merchantReference} to the shopper. This cannot be undone.`,
      );
      const form = {
        _csrf: csrfOf(review.text, `/admin/orders/${order.merchantReference}/refunds`),
        idempotencyKey: hidden(review.text, 'idempotencyKey'),
        amount: hidden(review.text, 'amount'),
        reason: hidden(review.text, 'reason'),
      };
      const before = await sandboxCalls(server);
      // Latipay answers slowly, so the second submission arrives while the first is being made.
      await addFault(server, { endpoint: 'refund', kind: 'delay', delayMs: 300 });
      const path = `/admin/orders/${order.merchantReference}/refunds`;
      const [first, second] = await Promise.all([client.post(path, form), client.post(path, form)]);
      for (const res of [first, second]) {
        expect(res.status).toBe(303);
        expect(res.location).toBe(`/admin/orders/${order.merchantReference}?notice=refunded`);
      }
      expect((await sandboxCalls(server)).refund - before.refund).toBe(1);
      const refunds = await server.rows<{ amount_cents: number; status: string }>(
        'SELECT amount_cents, status FROM refunds WHERE merchant_reference = ?',
        order.merchantReference,
      );
      expect(refunds).toEqual([{ amount_cents: 400, status: 'succeeded' }]);

      const after = await client.get(`/admin/orders/${order.merchantReference}?notice=refunded`);
      expect(testId(after.text, 'notice')).toBe('The refund was made.');
      expect(testId(after.text, 'order-status')).toBe('partially refunded');
      expect(testId(after.text, 'order-refunded')).toBe('4.00 NZD');
      expect(testId(after.text, 'order-left')).toBe('7.00 NZD');
      const events = await server.rows<{ kind: string; actor: string }>(
        'SELECT kind, actor FROM events WHERE merchant_reference = ? ORDER BY id',
        order.merchantReference,
      );
      const label = /Signed in as (web-[0-9a-f]{8})/.exec(after.text)![1];
      expect(events).toContainEqual({ kind: 'refund_requested', actor: `admin:${label}` });
      expect(testId(after.text, 'timeline')).toContain(`Refund requested · admin:${label}`);
    });

    it('says what is wrong with the refund form without calling Latipay', async () => {
      const order = await paidOrder(server, { productId: 'flat-white', quantity: 1 });
      const client = await signIn(server);
      const path = `/admin/orders/${order.merchantReference}/refund-review`;
      const before = await sandboxCalls(server);
      const attempts: [Record<string, string>, number, string][] = [
        [{ amount: '1.234', reason: 'x' }, 400, 'Give an amount such as 2.50'],
        [{ amount: '0', reason: 'x' }, 400, 'Give an amount such as 2.50'],
        [{ amount: '1.00', reason: '   ' }, 400, 'Give a reason'],
        [{ amount: '5.51', reason: 'too much' }, 409, 'At most 5.50 NZD can be refunded.'],
      ];
      for (const [fields, status, message] of attempts) {
        const page = await client.get(`/admin/orders/${order.merchantReference}`);
        const res = await client.post(path, { _csrf: csrfOf(page.text, path), ...fields });
        expect(res.status).toBe(status);
        expect(testId(res.text, 'refund-error')).toContain(message);
      }
      const confirm = `/admin/orders/${order.merchantReference}/refunds`;
      const page = await client.get(`/admin/orders/${order.merchantReference}`);
      const forged = await client.post(confirm, { _csrf: csrfOf(page.text, path), amount: '1.00', reason: 'x', idempotencyKey: 'mine' });
      expect(forged.status).toBe(400);
      expect((await sandboxCalls(server)).refund).toBe(before.refund);
    });

    it('shows what a reason says, escaped', async () => {
      const order = await paidOrder(server, { productId: 'flat-white', quantity: 1 });
      const reason = '<script>alert("x")</script> & "quotes"';
      expect((await refund(server, order.merchantReference, { amount: '1.00', reason })).status).toBe(201);
      const client = await signIn(server);
      const page = await client.get(`/admin/orders/${order.merchantReference}`);
      expect(page.text).not.toContain('<script>');
      expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(testId(page.text, 'timeline')).toContain('Refund requested · admin:api');
    });

    it('lists a held refund and resolves it with a note, in the session name', async () => {
      const order = await paidOrder(server, { productId: 'flat-white', quantity: 1 });
      await addFault(server, { endpoint: 'refund', kind: 'http_500' });
      expect((await refund(server, order.merchantReference, { amount: '2.00', reason: 'held one' })).status).toBe(502);
      const [{ id }] = await server.rows<{ id: string }>('SELECT id FROM refunds WHERE merchant_reference = ?', order.merchantReference);

      const client = await signIn(server);
      const anomalies = await client.get('/admin/anomalies');
      expect(anomalies.status).toBe(200);
      expect(anomalies.text).toContain(id);
      expect(testId(anomalies.text, 'anomalies')).toContain('refund_outcome_unknown');
      const action = `/admin/refunds/${id}/resolve`;
      const res = await client.post(action, { _csrf: csrfOf(anomalies.text, action), outcome: 'failed', note: 'not in the portal' });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/admin/orders/${order.merchantReference}?notice=resolved`);

      const page = await client.get(res.location!);
      expect(testId(page.text, 'notice')).toBe('The held refund was resolved.');
      expect(testId(page.text, 'order-left')).toBe('5.50 NZD');
      const label = /Signed in as (web-[0-9a-f]{8})/.exec(page.text)![1];
      expect(testId(page.text, 'timeline')).toContain(`Held refund resolved · admin:${label}`);
      expect(testId(page.text, 'timeline')).toContain('not in the portal');
      expect((await client.get('/admin/anomalies')).text).not.toContain(`${action}"`);
    });
  });

  it('speaks Chinese by ?lang=zh (and remembers it) or by Accept-Language', async () => {
    const client = await signIn(server);
    const zh = await client.get('/admin/orders?lang=zh');
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('近 30 天每日支付金额');
    expect((await client.get('/admin/orders')).text).toContain('<html lang="zh-CN">');
    expect((await client.get('/admin/orders?lang=en')).text).toContain('<html lang="en">');

    const browser = new Client(server.url, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    expect((await browser.get('/admin/sign-in')).text).toContain('<label for="token">管理员令牌</label>');
  });

  it('answers a reference that does not exist with a 404 page', async () => {
    const client = await signIn(server);
    const page = await client.get('/admin/orders/Mnothing');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('dashboard lockout', () => {
  it('locks an address out after repeated wrong tokens, at the form and the admin API alike', async () => {
    const server = await startTestServer({ env: { RATE_LIMIT_ADMIN_FAILURES_PER_IP: '3', RATE_LIMIT_ADMIN_LOCKOUT_S: '300' } });
    try {
      const client = new Client(server.url);
      const _csrf = await signInPage(client);
      for (let i = 0; i < 3; i++) {
        expect((await client.post('/admin/sign-in', { _csrf, token: `wrong-token-number-${i}` })).status).toBe(401);
      }
      const locked = await client.post('/admin/sign-in', { _csrf, token: server.adminToken! });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(290);
      expect(locked.text).toContain('Too many wrong admin tokens from this address');
      expect(cookieNamed(locked, 'admin_session')).toBeUndefined();
      expect((await http(`${server.url}/api/admin/anomalies`, { headers: adminHeaders(server) })).status).toBe(429);
    } finally {
      await server.close();
    }
  });
});

describe('dashboard orders', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ env: { DASHBOARD_TIME_ZONE: 'Pacific/Auckland' } });
    client = await signIn(server);
  });
  afterAll(() => server.close());

  const orders = (query = '') => client.get(`/admin/orders${query}`);
  const totals = (html: string) => ({
    count: testId(html, 'total-count'),
    paid: testId(html, 'total-paid'),
    refunded: testId(html, 'total-refunded'),
  });

  it('filters by status, date and search, and totals the filtered set', async () => {
    const first = await paidOrder(server, { productId: 'flat-white', quantity: 2 }, 'alice'); // 11.00
    const second = await paidOrder(server, { productId: 'canvas-tote', quantity: 1 }, 'alice'); // 18.00
    const pending = await createdOrder(server, { productId: 'pinot-noir-otago', quantity: 1 }, {}, 'alice'); // 39.90
    const bobs = await paidOrder(server, { productId: 'pinot-noir-otago', quantity: 1 }, 'bob'); // 39.90
    expect((await refund(server, bobs.merchantReference, { amount: '2.00', reason: 'corked' })).status).toBe(201);

    const all = await orders();
    expect(references(all.text)).toEqual([bobs, pending, second, first].map((o) => o.merchantReference));
    expect(totals(all.text)).toEqual({ count: '4', paid: '68.90 NZD', refunded: '2.00 NZD' });
    expect(all.text).toContain('Flat white ×2');

    const paid = await orders('?status=paid');
    expect(references(paid.text)).toEqual([second, first].map((o) => o.merchantReference));
    expect(totals(paid.text)).toEqual({ count: '2', paid: '29.00 NZD', refunded: '0.00 NZD' });
    expect(totals((await orders('?status=pending')).text)).toEqual({ count: '1', paid: '0.00 NZD', refunded: '0.00 NZD' });
    expect(totals((await orders('?status=partially_refunded')).text)).toEqual({ count: '1', paid: '39.90 NZD', refunded: '2.00 NZD' });

    expect(references((await orders(`?q=${bobs.merchantReference}`)).text)).toEqual([bobs.merchantReference]);
    expect(references((await orders(`?q=${first.latipayOrderId}`)).text)).toEqual([first.merchantReference]);
    const bob = await server.signIn('bob');
    expect(references((await orders(`?q=${bob.buyerId}`)).text)).toEqual([bobs.merchantReference]);
    expect(references((await orders(`?q=${bob.buyerId}&status=paid`)).text)).toEqual([]);

    // 11:30 UTC on 1 March is 00:30 on 2 March in Auckland (NZDT, UTC+13).
    await server.rows('UPDATE orders SET created_at = ? WHERE merchant_reference = ? RETURNING id', '2025-03-01T11:30:00.000Z', first.merchantReference);
    expect(references((await orders('?from=2025-03-02&to=2025-03-02')).text)).toEqual([first.merchantReference]);
    expect(references((await orders('?from=2025-03-01&to=2025-03-01')).text)).toEqual([]);
    expect(references((await orders('?to=2025-03-02')).text)).toEqual([first.merchantReference]);
    expect(totals((await orders('?from=2025-03-03')).text).count).toBe('3');

    const bad = await orders('?from=2026-02-30&status=lost');
    expect(bad.text).toContain('Not understood, so not applied: 2026-02-30');
    expect(bad.text).toContain('Not understood, so not applied: lost');
    expect(totals(bad.text).count).toBe('4');

    // Paid today (by paid_at, in Auckland's days): one bar holds all three payments.
    const chart = await orders();
    expect(testId(chart.text, 'chart-total')).toBe('68.90 NZD in 30 days');
    const bars = [...chart.text.matchAll(/<rect class="bar"[^>]*data-date="([\d-]+)" data-amount="([\d.]+)"/g)];
    expect(bars).toHaveLength(30);
    expect(bars.filter((bar) => bar[2] !== '0.00').map((bar) => bar[2])).toEqual(['68.90']);
  });

  it('pages 20 orders at a time, newest first', async () => {
    const before = Number(totals((await orders()).text).count);
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push((await createdOrder(server, { productId: 'test-item', quantity: 1 }, {}, 'carol')).merchantReference);
    const carol = await server.signIn('carol');
    const newestFirst = created.reverse();

    const one = await orders(`?q=${carol.buyerId}`);
    expect(references(one.text)).toEqual(newestFirst.slice(0, 20));
    expect(testId(one.text, 'page')).toBe('Page 1 of 2');
    expect(totals(one.text).count).toBe('23');
    expect(one.text).toContain(`href="/admin/orders?q=${carol.buyerId}&amp;page=2"`);

    const two = await orders(`?q=${carol.buyerId}&page=2`);
    expect(references(two.text)).toEqual(newestFirst.slice(20));
    expect(testId(two.text, 'page')).toBe('Page 2 of 2');
    expect(references((await orders(`?q=${carol.buyerId}&page=99`)).text)).toEqual(newestFirst.slice(20));
    expect(totals((await orders()).text).count).toBe(String(before + 23));
  });
});

describe('dashboard cookies behind https', () => {
  async function sessionCookie(env: Record<string, string>, headers: Record<string, string> = {}): Promise<string> {
    const server = await startTestServer({ env });
    try {
      const client = new Client(server.url, headers);
      const _csrf = await signInPage(client);
      const res = await client.post('/admin/sign-in', { _csrf, token: server.adminToken! });
      expect(res.status).toBe(303);
      return cookieNamed(res, 'admin_session')!;
    } finally {
      await server.close();
    }
  }

  it('marks the cookie Secure when a trusted proxy says https', async () => {
    const cookie = await sessionCookie({ TRUST_PROXY: 'loopback' }, { 'x-forwarded-proto': 'https' });
    expect(cookie).toMatch(/; Secure/i);
  });

  it('marks the cookie Secure when PUBLIC_BASE_URL is https', async () => {
    expect(await sessionCookie({ PUBLIC_BASE_URL: 'https://shop.example.com' })).toMatch(/; Secure/i);
  });

  it('does not believe X-Forwarded-Proto from a peer that is not a trusted proxy', async () => {
    expect(await sessionCookie({}, { 'x-forwarded-proto': 'https' })).not.toMatch(/; Secure/i);
  });
});
