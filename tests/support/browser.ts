/**
 * Chromium for the browser tests (tests/e2e-web/): Debian's /usr/bin/chromium (package
 * `chromium`) driven by playwright-core, which never downloads browsers of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What Chromium is started with (Playwright adds its own switches, e.g. the DevTools pipe). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface LaunchedBrowser {
  /** The browser's one context (a persistent context on a fresh, empty profile). */
  context: BrowserContext;
  /** A new tab in that context. */
  newPage(): Promise<Page>;
  /** Another context in the same browser: its own cookies and storage (e.g. a second user). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Playwright's Browser of the persistent context. */
  browser: Browser;
  /** The temporary user data folder (deleted by close()). */
  profile: string;
  /** Closes the browser and deletes its profile folder. Repeating it does nothing. */
  close(): Promise<void>;
}

/**
 * Starts Chromium on a new temporary profile (user data folder), so no test sees another's
 * cookies, storage or cache. `options` are Playwright's context options (viewport, locale, …).
 */
export async function launchBrowser(options: BrowserContextOptions = {}): Promise<LaunchedBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium package (apt-get install -y chromium)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const removeProfile = () => fs.rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      ...options,
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  const browser = context.browser();
  if (!browser) {
    // Not for Chromium: only Android's and Electron's contexts have none.
    await context.close().finally(removeProfile);
    throw new Error('Playwright gave no Browser for the persistent context');
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    browser,
    profile,
    newPage: () => context.newPage(),
    newContext: (contextOptions) => browser.newContext(contextOptions),
    close() {
      closed ??= context.close().finally(removeProfile);
      return closed;
    },
  };
}

/** <repo>/test-output/screenshots (created if missing; test-output/ is git-ignored). */
export function screenshotDir(): string {
  const dir = path.resolve(__dirname, '..', '..', 'test-output', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
