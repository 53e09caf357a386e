/**
 * One shopper's world for an e2e test: the real merchant backend (port 0, temporary database)
 * with Latipay played by the sandbox, the mini app's real pages and utils in the harness
 * with my.request carried over real HTTP, and Alipay's cashier played by FakeCashier.
 *
 * - mode 'live': the backend calls the sandbox as its Latipay at LATIPAY_BASE_URL, as it
 *   would call Latipay in production; it says `live`, so the mini app pays with my.tradePay.
 * - mode 'sandbox': the backend with the sandbox in-process (`npm start`); it says
 *   `sandbox`, so the mini app offers the sandbox cashier (my.showActionSheet).
 *
 * The backend has no Alipay app id in tests, so it checks auth codes with its in-process
 * Alipay stand-in: the phone's my.getAuthCode hands out `sandbox:<shopper>`, the same buyer
 * every time, as Alipay's codes for one user are. Several shoppers (phones) can take turns on
 * one backend (switchTo).
 */
import type { Order } from '../../../server/contract';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox, type SandboxOrderView } from '../../../server/sandbox';
import { API_BASE_URLS } from '../../../config/env';
import { createRuntime, HttpTransport, type FakeMyOptions, type MiniRuntime, type PageInstance } from '../../miniapp/harness';
import type { Env } from '../../../server/app/config/config';
import { startTestServer, type TestServer } from '../../support/server';
import { waitFor } from '../../support/wait';
import { FakeCashier } from './fake-cashier';

export const PAGES = {
  home: 'pages/index/index',
  orders: 'pages/orders/orders',
  product: 'pages/product/product',
  cart: 'pages/cart/cart',
  result: 'pages/result/result',
  order: 'pages/order/order',
} as const;

/** The mini app asking the server for an order's latest status (the server may ask Latipay). */
export const STATUS_CHECK = /^\/api\/orders\/M[0-9a-f]+\?refresh=true$/;

export interface ShopOptions {
  mode?: 'live' | 'sandbox';
  /** The first phone's Alipay user (default 'alice'); null: Alipay gives that phone no code. */
  shopper?: string | null;
  envVersion?: FakeMyOptions['envVersion'];
  /** Backend settings over the test defaults, e.g. SESSION_TTL_S. */
  env?: Env;
}

/** A phone running the mini app: its storage, and who is signed in to Alipay on it. */
interface Phone {
  name: string;
  alipayUser: string | null;
  envVersion: NonNullable<FakeMyOptions['envVersion']>;
  storage: Record<string, unknown>;
}

type ApiAnswer = { status: number; body: Record<string, unknown> };

export interface RecordedResult {
  source: 'notify' | 'query';
  status: string;
  outcome: 'applied' | 'no_change' | 'anomaly';
}

type PageData = Record<string, unknown>;

export class Shop {
  private readonly others: TestServer[] = [];
  private readonly phones = new Map<string, Phone>();
  private phone: Phone;
  private runtime: MiniRuntime;
  /** The test's own session per buyer code, to ask the server what it has. */
  private readonly tokens = new Map<string, string>();

  private constructor(
    /** The backend (another process of it after restartBackend, on the same port and database). */
    public server: TestServer,
    /** The backend's Latipay settings (empty: the in-process sandbox). */
    private readonly latipayEnv: Env,
    /** The sandbox's base URL: Latipay's API and the control API under /sandbox. */
    readonly latipayUrl: string,
    private readonly standalone: RunningSandbox | null,
    readonly transport: HttpTransport,
    readonly cashier: FakeCashier,
    first: Phone,
  ) {
    this.phone = first;
    this.runtime = this.startApp(first);
  }

  static async open(options: ShopOptions = {}): Promise<Shop> {
    const mode = options.mode ?? 'live';
    let standalone: RunningSandbox | null = null;
    let latipayEnv: Env = {};
    if (mode === 'live') {
      standalone = await startSandbox({ retryMs: 50, maxAttempts: 5, notifyTimeoutMs: 2000 });
      latipayEnv = {
        LATIPAY_BASE_URL: standalone.url,
        LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
        LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
        LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
      };
    }
    const server = await startTestServer({ env: { ...latipayEnv, ...options.env } });
    const latipayUrl = standalone ? standalone.url : (server.sandboxUrl as string);
    const envVersion = options.envVersion ?? 'develop';
    // The URL of config/env.ts this version calls (gray counts as release), carried to the test backend.
    const transport = new HttpTransport(API_BASE_URLS[envVersion === 'gray' ? 'release' : envVersion], server.url);
    const cashier = new FakeCashier(latipayUrl);
    const shopper = options.shopper === undefined ? 'alice' : options.shopper;
    const first: Phone = { name: shopper ?? 'phone-1', alipayUser: shopper, envVersion, storage: {} };
    return new Shop(server, latipayEnv, latipayUrl, standalone, transport, cashier, first);
  }

  /** The mini app on the phone in the shopper's hand. */
  get rt(): MiniRuntime {
    return this.runtime;
  }

  private startApp(phone: Phone): MiniRuntime {
    this.phones.set(phone.name, phone);
    return createRuntime({
      timers: 'real',
      envVersion: phone.envVersion,
      responder: this.transport.responder,
      cashier: this.cashier.cashier,
      storage: phone.storage,
      alipayUser: phone.alipayUser,
      codeForUser: (user) => `sandbox:${user}`,
    });
  }

  /**
   * Closes the mini app on this phone (its storage kept) and hands over another phone: the
   * one `name` used before, or a new one whose Alipay user is `alipayUser` (default `name`;
   * null: Alipay gives it no code). The app is not launched yet.
   */
  async switchTo(name: string, alipayUser: string | null = name): Promise<MiniRuntime> {
    this.transport.releaseAll();
    await this.transport.idle();
    this.phone.storage = this.runtime.fake.storageSnapshot();
    this.runtime.dispose();
    this.phone = this.phones.get(name) ?? { name, alipayUser, envVersion: this.phone.envVersion, storage: {} };
    this.runtime = this.startApp(this.phone);
    return this.runtime;
  }

  /** The app closed and opened again on the same phone (storage kept). Not launched yet. */
  restartApp(): Promise<MiniRuntime> {
    return this.switchTo(this.phone.name);
  }

  /** The session the mini app keeps (token, expiresAt), or null. */
  get appSession(): { token: string; expiresAt: string } | null {
    return this.rt.fake.stored('session') as { token: string; expiresAt: string } | null;
  }

  /** Ends every session on the server now, as time would (the mini app still holds its token). */
  async expireSessions(): Promise<void> {
    // RETURNING: rows() reads rows, and SQLite answers only a statement that returns some.
    await this.server.rows('UPDATE sessions SET expires_at = ? RETURNING token_hash', '2000-01-01T00:00:00.000Z');
  }

  /** The code the backend knows this phone's shopper by: the Alipay user's, or the develop fallback of the device. */
  private buyerCode(): string {
    if (this.phone.alipayUser !== null) return `sandbox:${this.phone.alipayUser}`;
    const deviceId = this.rt.fake.stored('deviceId');
    if (typeof deviceId !== 'string') throw new Error('the mini app has no device id yet');
    return `sandbox:${deviceId}`;
  }

  /**
   * A buyer route as this phone's shopper, with the test's own session (signed in again if it
   * ended): GET, or POST with `body` (JSON) and `headers`.
   */
  async asShopper(path: string, post?: { body: unknown; headers?: Record<string, string> }): Promise<ApiAnswer> {
    const code = this.buyerCode();
    for (let attempt = 0; ; attempt += 1) {
      const token = this.tokens.get(code) ?? (await this.signInAs(code));
      const response = await fetch(`${this.server.url}${path}`, {
        method: post ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, ...(post ? { 'content-type': 'application/json', ...post.headers } : {}) },
        body: post ? JSON.stringify(post.body) : undefined,
      });
      const answer: ApiAnswer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
      if (answer.status !== 401 || attempt > 0) return answer;
      this.tokens.delete(code);
    }
  }

  private async signInAs(code: string): Promise<string> {
    const response = await fetch(`${this.server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode: code }),
    });
    const body = (await response.json()) as { token?: string };
    if (response.status !== 201 || typeof body.token !== 'string') throw new Error(`sign-in as ${code} answered ${response.status}`);
    this.tokens.set(code, body.token);
    return body.token;
  }

  /**
   * The backend stops (requests in flight done first) and starts again on the same database,
   * port and Latipay, with `env` over its settings (e.g. CATALOG_PATH): what a shop does to
   * change its catalogue, which the backend reads at start.
   */
  async restartBackend(env: Env): Promise<void> {
    this.transport.releaseAll();
    await this.transport.idle();
    this.server = await this.server.restart({ env });
  }

  /**
   * A second instance of the backend on the same database and Latipay, as behind a load
   * balancer (mode 'live' only: each in-process sandbox would be another Latipay).
   */
  async startSecondInstance(env: Env = {}): Promise<TestServer> {
    if (!this.standalone) throw new Error('a second instance needs the standalone sandbox (mode live)');
    // The TestServer does not tell its PostgreSQL database's URL: a second instance would get a database of its own.
    if (this.server.storage !== 'sqlite') throw new Error('a second instance shares the SQLite file only');
    const other = await startTestServer({ env: { ...this.latipayEnv, DATABASE_PATH: this.server.databasePath, ...env } });
    this.others.push(other);
    return other;
  }

  /** The page on top of the stack. */
  get page(): PageInstance {
    return this.rt.current();
  }

  /** Waits until the page on top is `route` and its data passes `check` (a throwing expect counts as not yet). */
  async until(route: string, check: (data: PageData) => boolean | void = () => true): Promise<PageInstance> {
    return waitFor(
      () => {
        const page = this.rt.current();
        if (page.route !== route) return false;
        return check(page.data) === false ? false : page;
      },
      { description: `page ${route}`, timeoutMs: 8000 },
    );
  }

  /** Opens a product page and waits for it to be ready, and for the sign-in the launch started. */
  async openProduct(productId: string): Promise<PageInstance> {
    this.rt.launch(`/pages/product/product?id=${productId}`);
    const page = await this.until(PAGES.product, (data) => data.state === 'ready');
    await this.transport.idle();
    await this.rt.settle();
    return page;
  }

  /**
   * Back from the result page, which took the product page's place (so Back never lands on
   * Pay): the shopper is on the catalogue (Alipay's home button, the result page being the only
   * page) and taps the product again.
   */
  async backToProduct(productId: string): Promise<PageInstance> {
    if (this.rt.stack.map((p) => p.route).join() !== PAGES.result) throw new Error('not on the result page alone');
    this.rt.reLaunch('/pages/index/index');
    await this.until('pages/index/index', (data) => data.state === 'ready');
    this.rt.tap('onProductSelect', productId);
    return this.until(PAGES.product, (data) => data.state === 'ready');
  }

  /** This phone's shopper's orders as the server has them (GET /api/orders, the first page), newest first. */
  async serverOrders(): Promise<Order[]> {
    return (await this.asShopper('/api/orders')).body.orders as Order[];
  }

  async serverOrder(ref: string): Promise<Order> {
    const { status, body } = await this.asShopper(`/api/orders/${ref}`);
    if (status !== 200) throw new Error(`GET /api/orders/${ref} answered ${status}`);
    return body.order as Order;
  }

  /** Waits until the server has the order in `status` (without asking Latipay). */
  async untilServer(ref: string, status: string): Promise<Order> {
    return waitFor(
      async () => {
        const order = await this.serverOrder(ref);
        return order.status === status ? order : false;
      },
      { description: `order ${ref} ${status} on the server` },
    );
  }

  /** Every order in the database, whoever's. */
  async orderCount(): Promise<number> {
    return (await this.server.rows<{ n: number }>('SELECT COUNT(*) AS n FROM orders'))[0].n;
  }

  /** The payment results the server recorded for an order (notifications and query answers). */
  results(ref: string): Promise<RecordedResult[]> {
    return this.server.rows<RecordedResult>(
      'SELECT source, status, outcome FROM payment_results WHERE merchant_reference = ? ORDER BY id',
      ref,
    );
  }

  /** How often the backend called Latipay. */
  async latipayCalls(): Promise<{ create: number; query: number; refund: number }> {
    return ((await (await fetch(`${this.latipayUrl}/sandbox/stats`)).json()) as { calls: { create: number; query: number; refund: number } })
      .calls;
  }

  /** Every order Latipay has. */
  async latipayOrders(): Promise<SandboxOrderView[]> {
    return ((await (await fetch(`${this.latipayUrl}/sandbox/orders`)).json()) as { orders: SandboxOrderView[] }).orders;
  }

  async latipayOrder(ref: string): Promise<SandboxOrderView> {
    return ((await (await fetch(`${this.latipayUrl}/sandbox/orders/${ref}`)).json()) as { order: SandboxOrderView }).order;
  }

  /** Makes the next calls to a Latipay endpoint misbehave (the sandbox's faults). */
  async fault(fault: { endpoint: 'create' | 'query' | 'refund'; kind: string; times?: number; delayMs?: number }): Promise<void> {
    const response = await fetch(`${this.latipayUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (response.status !== 200) throw new Error(`fault refused: ${await response.text()}`);
  }

  /** Waits for the mini app's requests, closes its pages, then the servers. */
  async close(): Promise<void> {
    try {
      this.transport.releaseAll();
      await this.transport.idle();
      this.runtime.dispose();
    } finally {
      for (const other of this.others.splice(0)) await other.close();
      await this.server.close();
      if (this.standalone) await this.standalone.close();
    }
  }
}
