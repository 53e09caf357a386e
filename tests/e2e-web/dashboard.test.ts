import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Order } from '../../server/contract';
import { launchBrowser, screenshotDir, type LaunchedBrowser } from '../support/browser';
import { startTestServer, type TestServer } from '../support/server';
import { complete, createdOrder, waitForStatus } from '../server/helpers/shop';

/**
 * The dashboard in a real browser (Chromium, headless) against the real backend and the
 * in-process Latipay sandbox: forms, cookies and redirects as a merchant meets them.
 */

jest.setTimeout(60_000);

let server: TestServer;
let browser: LaunchedBrowser;

async function paidOrder(body: unknown, shopper?: string): Promise<Order> {
  const order = await createdOrder(server, body, {}, shopper);
  await complete(server, order.merchantReference, 'paid');
  return waitForStatus(server, order.merchantReference, 'paid', shopper);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${server.url}/admin`);
  await page.waitForURL('**/admin/sign-in');
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The session cookie the browser holds for the dashboard. */
async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies(`${server.url}/admin`)).find((cookie) => cookie.name === 'admin_session')?.value;
}

describe('dashboard in a browser', () => {
  let context: BrowserContext;
  let page: Page;
  // Each test in a context of its own: no cookies from another.
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-NZ' });
    page = await context.newPage();
  });
  afterEach(() => context.close());

  it('refuses a wrong token', async () => {
    await signIn(page, `${server.adminToken}-wrong`);
    await page.getByText('That token is not right.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(await sessionCookie(context)).toBeUndefined();
  });

  it('signs in, finds an order by reference, refunds part of it, and sees its status and timeline change', async () => {
    await paidOrder({ productId: 'canvas-tote', quantity: 1 }, 'other-shopper');
    await createdOrder(server, { productId: 'test-item', quantity: 3 });
    const order = await paidOrder({ items: [{ productId: 'flat-white', quantity: 2 }, { productId: 'canvas-tote', quantity: 1 }] });
    expect(order.amount).toBe('29.00');

    await signIn(page, server.adminToken!);
    await page.waitForURL('**/admin/orders');
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir(), 'dashboard-orders.png'), fullPage: true });

    await page.getByLabel('Reference, Latipay order id or buyer').fill(order.merchantReference);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === order.merchantReference);
    const rows = page.getByTestId('orders').locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await page.getByTestId('total-count').textContent()).toBe('1');
    await rows.getByRole('link', { name: order.merchantReference }).click();

    await page.waitForURL(`**/admin/orders/${order.merchantReference}`);
    expect((await page.getByTestId('order-status').textContent())?.trim()).toBe('paid');
    expect(await page.getByLabel('Amount (NZD)').inputValue()).toBe('29.00');
    await page.getByLabel('Amount (NZD)').fill('7.50');
    await page.getByLabel('Reason').fill('the tote was torn');
    await page.getByRole('button', { name: 'Review the refund' }).click();

    await page.getByRole('heading', { name: 'Confirm the refund' }).waitFor();
    expect(await page.getByTestId('confirm-what').textContent()).toBe(
      `Latipay will be asked to refund 7.50 NZD of order ${order.merchantReference} to the shopper. This cannot be undone.`,
    );
    // A confirmation sent twice refunding once is tested over HTTP (tests/server/dashboard.test.ts):
    // here Chromium sent nothing more for a second press while the first was being answered.
    await page.getByRole('button', { name: 'Refund 7.50 NZD' }).click();
    await page.waitForURL(`**/admin/orders/${order.merchantReference}?notice=refunded`);

    expect((await page.getByTestId('order-status').textContent())?.trim()).toBe('partially refunded');
    expect(await page.getByTestId('order-refunded').textContent()).toBe('7.50 NZD');
    expect(await page.getByTestId('order-left').textContent()).toBe('21.50 NZD');
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Refund succeeded').waitFor();
    const requested = timeline.locator('li', { hasText: 'Refund requested' });
    expect(await requested.count()).toBe(1);
    expect(await requested.textContent()).toMatch(/admin:web-[0-9a-f]{8}/);
    expect(await requested.textContent()).toContain('the tote was torn');
    expect(await timeline.locator('li', { hasText: 'Latipay notification' }).textContent()).toContain('applied: the order changed');
    const refunds = await server.rows('SELECT amount_cents, status FROM refunds WHERE merchant_reference = ?', order.merchantReference);
    expect(refunds).toEqual([{ amount_cents: 750, status: 'succeeded' }]);
    await page.screenshot({ path: path.join(screenshotDir(), 'dashboard-order.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/admin/orders`);
    await page.screenshot({ path: path.join(screenshotDir(), 'dashboard-orders-phone.png'), fullPage: true });
    // On a phone the table's cells stack, each labelled: nothing overflows the screen sideways.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  });

  it('refuses a form posted without its CSRF token, with a valid session cookie', async () => {
    const order = await paidOrder({ productId: 'flat-white', quantity: 1 });
    await signIn(page, server.adminToken!);
    await page.waitForURL('**/admin/orders');
    const cookie = await sessionCookie(context);
    expect(cookie).toBeDefined();
    const csrfCookie = (await context.cookies(`${server.url}/admin`)).find((c) => c.name === 'admin_csrf')!.value;

    const res = await fetch(`${server.url}/admin/orders/${order.merchantReference}/refund-review`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `admin_session=${cookie}; admin_csrf=${csrfCookie}` },
      body: new URLSearchParams({ amount: '1.00', reason: 'forged' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    // The same cookies are otherwise good: the session still opens the order's page.
    const read = await fetch(`${server.url}/admin/orders/${order.merchantReference}`, { headers: { cookie: `admin_session=${cookie}` }, redirect: 'manual' });
    expect(read.status).toBe(200);
    expect(await server.rows('SELECT id FROM refunds WHERE merchant_reference = ?', order.merchantReference)).toEqual([]);
  });

  it('signs out: the old cookie no longer works', async () => {
    await signIn(page, server.adminToken!);
    await page.waitForURL('**/admin/orders');
    const cookie = await sessionCookie(context);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await sessionCookie(context)).toBeUndefined();

    const replay = await fetch(`${server.url}/admin/orders`, { headers: { cookie: `admin_session=${cookie}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/admin/sign-in');
    await page.goto(`${server.url}/admin/orders`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
  });

  it('switches to Chinese', async () => {
    await signIn(page, server.adminToken!);
    await page.waitForURL('**/admin/orders');
    await page.getByRole('link', { name: '中文' }).click();
    await page.getByRole('heading', { name: '订单' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  });
});
