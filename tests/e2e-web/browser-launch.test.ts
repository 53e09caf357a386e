import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser, type LaunchedBrowser } from '../support/browser';

/** The launcher of the browser tests works: Chromium starts, loads a local page, and closes. */

let server: http.Server;
let url: string;
let browser: LaunchedBrowser | undefined;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Launcher check 支付</title><p id="greeting">hello</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server.close(resolve));
});

test('Chromium opens a page served on 127.0.0.1 and reads its title', async () => {
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(url);
  expect(await page.title()).toBe('Launcher check 支付');
  expect(await page.locator('#greeting').textContent()).toBe('hello');
  expect(await page.evaluate('navigator.userAgent')).toMatch(/Chrome\//);
}, 60_000);

test('newContext() gives a context with cookies of its own; close() removes the profile', async () => {
  const launched = await launchBrowser();
  expect(fs.existsSync(launched.profile)).toBe(true);
  try {
    const other = await launched.newContext();
    await launched.context.addCookies([{ name: 'who', value: 'first', url }]);
    expect((await launched.context.cookies(url)).map((c) => c.value)).toEqual(['first']);
    expect(await other.cookies(url)).toEqual([]);
    const page = await other.newPage();
    await page.goto(url);
    expect(await page.title()).toBe('Launcher check 支付');
  } finally {
    await launched.close();
  }
  expect(fs.existsSync(launched.profile)).toBe(false);
  await launched.close(); // again: nothing to do
}, 60_000);
