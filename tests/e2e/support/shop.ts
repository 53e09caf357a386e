/**
 * One shopper's world for an e2e test: the real merchant backend (port 0, temporary SQLite)
 * with Latipay played by the sandbox, the mini app's real pages and utils in the harness
 * with my.request carried over real HTTP, and Alipay's cashier played by FakeCashier.
 *
 * - mode 'live': the backend calls the sandbox as its Latipay at LATIPAY_BASE_URL, as it
 *   would call Latipay in production; it says `live`, so the mini app pays with my.tradePay.
 * - mode 'sandbox': the backend with the sandbox in-process (`npm start`); it says
 *   `sandbox`, so the mini app offers the sandbox cashier (my.showActionSheet).
 */
import type { Order } from '../../../server/contract';
import { SANDBOX_DEV_CREDENTIALS, startSandbox, type RunningSandbox, type SandboxOrderView } from '../../../server/sandbox';
import { API_BASE_URLS } from '../../../config/env';
import { createRuntime, HttpTransport, type MiniRuntime, type PageInstance } from '../../miniapp/harness';
import type { Env } from '../../../server/app/config/config';
import { startTestServer, type TestServer } from '../../support/server';
import { waitFor } from '../../support/wait';
import { readRows } from '../../server/helpers/db';
import { FakeCashier } from './fake-cashier';

export const PAGES = {
  product: 'pages/product/product',
  result: 'pages/result/result',
  order: 'pages/order/order',
} as const;

/** The mini app asking the server for an order's latest status (the server may ask Latipay). */
export const STATUS_CHECK = /^\/api\/orders\/M[0-9a-f]+\?refresh=true$/;

export interface ShopOptions {
  mode?: 'live' | 'sandbox';
}

export interface RecordedResult {
  source: 'notify' | 'query';
  status: string;
  outcome: 'applied' | 'no_change' | 'anomaly';
}

type PageData = Record<string, unknown>;

export class Shop {
  private readonly others: TestServer[] = [];

  private constructor(
    readonly server: TestServer,
    /** The backend's Latipay settings (empty: the in-process sandbox). */
    private readonly latipayEnv: Env,
    /** The sandbox's base URL: Latipay's API and the control API under /sandbox. */
    readonly latipayUrl: string,
    private readonly standalone: RunningSandbox | null,
    readonly rt: MiniRuntime,
    readonly transport: HttpTransport,
    readonly cashier: FakeCashier,
  ) {}

  static async open(options: ShopOptions = {}): Promise<Shop> {
    const mode = options.mode ?? 'live';
    let standalone: RunningSandbox | null = null;
    let server: TestServer;
    let latipayEnv: Env = {};
    if (mode === 'live') {
      standalone = await startSandbox({ retryMs: 50, maxAttempts: 5, notifyTimeoutMs: 2000 });
      latipayEnv = {
        LATIPAY_BASE_URL: standalone.url,
        LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
        LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
        LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
      };
      server = await startTestServer({ env: latipayEnv });
    } else {
      server = await startTestServer();
    }
    const latipayUrl = standalone ? standalone.url : (server.sandboxUrl as string);
    const transport = new HttpTransport(API_BASE_URLS.develop, server.url);
    const cashier = new FakeCashier(latipayUrl);
    const rt = createRuntime({ timers: 'real', envVersion: 'develop', responder: transport.responder, cashier: cashier.cashier });
    return new Shop(server, latipayEnv, latipayUrl, standalone, rt, transport, cashier);
  }

  /**
   * A second instance of the backend on the same database and Latipay, as behind a load
   * balancer (mode 'live' only: each in-process sandbox would be another Latipay).
   */
  async startSecondInstance(): Promise<TestServer> {
    if (!this.standalone) throw new Error('a second instance needs the standalone sandbox (mode live)');
    const other = await startTestServer({ env: { ...this.latipayEnv, DATABASE_PATH: this.server.databasePath } });
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

  /** Opens a product page and waits for it to be ready. */
  async openProduct(productId: string): Promise<PageInstance> {
    this.rt.launch(`/pages/product/product?id=${productId}`);
    return this.until(PAGES.product, (data) => data.state === 'ready');
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

  /** The mini app's buyer id, as it sends it in X-Buyer-Id. */
  get buyerId(): string {
    const id = this.rt.fake.stored('buyerId');
    if (typeof id !== 'string') throw new Error('the mini app has no buyer id yet');
    return id;
  }

  /** The buyer's orders as the server has them (GET /api/orders), newest first. */
  async serverOrders(): Promise<Order[]> {
    const response = await fetch(`${this.server.url}/api/orders`, { headers: { 'x-buyer-id': this.buyerId } });
    return ((await response.json()) as { orders: Order[] }).orders;
  }

  async serverOrder(ref: string): Promise<Order> {
    const response = await fetch(`${this.server.url}/api/orders/${ref}`);
    return ((await response.json()) as { order: Order }).order;
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
  orderCount(): number {
    return readRows<{ n: number }>(this.server.databasePath, 'SELECT COUNT(*) AS n FROM orders')[0].n;
  }

  /** The payment results the server recorded for an order (notifications and query answers). */
  results(ref: string): RecordedResult[] {
    return readRows<RecordedResult>(
      this.server.databasePath,
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
      this.rt.dispose();
    } finally {
      for (const other of this.others.splice(0)) await other.close();
      await this.server.close();
      if (this.standalone) await this.standalone.close();
    }
  }
}
