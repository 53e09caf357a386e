/**
 * The merchant backend as server/contract.ts documents it, in memory, answering the fake
 * my.request: GET /healthz, GET /api/products, POST /api/session (the fake `my`'s auth codes,
 * once each; `sandbox:<name>` in mode `sandbox`), and the buyer routes, each needing
 * `Authorization: Bearer <token>` of an unexpired session (else 401 `unauthorized`) and
 * answering 404 for another buyer's order: POST /api/orders (Idempotency-Key; `{items}` of 1 to
 * 20 lines, or one `{productId, quantity}`),
 * GET /api/orders/{ref}[?refresh=true], GET /api/orders[?before=ref] (20 a page, newest first)
 * and, in mode `sandbox` only, POST /api/sandbox/orders/{ref}/settle. Tests steer it (status
 * changes, one-off replies, expired sessions) and read what it received. It runs in mode
 * `live` unless told otherwise.
 */
import type {
  CartLine,
  CreateOrderResponse,
  ErrorCode,
  SandboxCashierAction,
  GatewayData,
  Order,
  OrderItem,
  OrderStatus,
  OrdersResponse,
  PaymentMode,
  Product,
  SessionResponse,
} from '../../../server/contract';
import { alipayUserOf } from './fake-my';
import type { FakeReply, FakeRequest, Responder } from './fake-my';

export const BASE_URL = 'http://127.0.0.1:3000';

/** GET /api/orders answers this many orders a page (as the real backend). */
export const ORDERS_PAGE_SIZE = 20;

/** How long a session lasts unless a test says otherwise. */
export const SESSION_TTL_MS = 2 * 60 * 60 * 1000;

export const PRODUCTS: Product[] = [
  { id: 'pinot', name: 'Pinot Noir, Otago', description: 'A bottle of red', price: '120.00', currency: 'NZD', imageUrl: `${BASE_URL}/images/pinot.png` },
  { id: 'ticket', name: 'Ticket', description: 'One entry', price: '0.01', currency: 'NZD', imageUrl: null },
];

/** POST /api/orders takes 1 to this many lines. */
const MAX_LINES = 20;

interface StoredOrder {
  order: Order;
  buyerId: string;
  response: CreateOrderResponse;
}

/** What the sandbox cashier does to an order (the real one: server/app/sandbox-cashier.ts). */
const SANDBOX_CASHIER: Record<SandboxCashierAction, { status: OrderStatus | null; resultCode: string }> = {
  pay: { status: 'paid', resultCode: '9000' },
  cancel: { status: null, resultCode: '6001' },
  fail: { status: 'failed', resultCode: '4000' },
  processing: { status: 'paid', resultCode: '8000' },
  network_error: { status: null, resultCode: '6002' },
  unknown: { status: 'paid', resultCode: '6004' },
};

interface SessionRecord {
  buyerId: string;
  /** Date.now() ms (jest's clock in the harness). */
  expiresAt: number;
}

interface IdempotencyRecord {
  fingerprint: string;
  ref: string;
}

function cents(amount: string): number {
  const [whole, frac] = amount.split('.');
  return Number(whole) * 100 + Number(frac);
}

function wire(centsValue: number): string {
  return `${Math.floor(centsValue / 100)}.${String(centsValue % 100).padStart(2, '0')}`;
}

function error(status: number, code: ErrorCode, message: string): FakeReply {
  return { status, body: { error: { code, message } } };
}

/** As the backend sums up an order's lines for Latipay: "Flat white ×2 +1 more". */
export function summaryOf(items: readonly OrderItem[]): string {
  const [first] = items;
  return `${first.name}${first.quantity > 1 ? ` ×${first.quantity}` : ''}${items.length > 1 ? ` +${items.length - 1} more` : ''}`;
}

/** The body's lines: `{items: [...]}`, or one `{productId, quantity}`; null when it is neither. */
function linesOfBody(body: unknown): unknown[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const fields = body as Record<string, unknown>;
  if ('items' in fields) return Array.isArray(fields.items) ? fields.items : null;
  return [{ productId: fields.productId, quantity: fields.quantity }];
}

/** Why these lines cannot be an order (400 invalid_request), or null. */
function invalidLines(lines: unknown[]): string | null {
  if (lines.length < 1 || lines.length > MAX_LINES) return `items must have 1 to ${MAX_LINES} lines`;
  for (const line of lines) {
    const { productId, quantity } = (line ?? {}) as Record<string, unknown>;
    if (typeof productId !== 'string' || productId === '') return 'productId is required';
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) return 'quantity must be 1 to 99';
  }
  const ids = (lines as CartLine[]).map((line) => line.productId);
  return ids.some((id, i) => ids.indexOf(id) !== i) ? 'each product at most once per order' : null;
}

/** Latipay's sample gatewaydata (key order as Latipay sends it) for an order. */
export function gatewaydataFor(order: Order): GatewayData {
  return {
    service: 'create_forex_trade_wap',
    partner: '2088121611339960',
    _input_charset: 'UTF-8',
    sign_type: 'MD5',
    sign: 'e2d8f08e5b468ee40e076f928665f662',
    notify_url: 'https://api-staging.latipay.net/notify/alipay',
    return_url: 'https://api-staging.latipay.net/notify/sync/alipay',
    subject: order.productName,
    body: '5399',
    out_trade_no: order.latipayOrderId ?? '',
    currency: order.currency,
    total_fee: order.amount,
    supplier: 'Latipay Test',
    secondary_merchant_id: 'W000001685',
    secondary_merchant_name: 'Latipay Test',
    secondary_merchant_industry: '5399',
    product_code: 'NEW_WAP_OVERSEAS_SELLER',
    app_pay: 'Y',
  };
}

export class FakeBackend {
  products: Product[];
  mode: PaymentMode;
  readonly orders = new Map<string, StoredOrder>();
  readonly keys = new Map<string, IdempotencyRecord>();
  readonly received: FakeRequest[] = [];
  /** Replies used (first in, first out) instead of the real handling, for one request each. */
  readonly overrides: Array<(request: FakeRequest) => FakeReply | Promise<FakeReply> | undefined> = [];
  /** Called on every GET ?refresh=true: may move the order's status (e.g. to paid). */
  onRefresh: ((order: Order, refreshes: number) => OrderStatus | void) | null = null;
  /** Every session opened, by token. */
  readonly sessions = new Map<string, SessionRecord>();
  readonly usedAuthCodes = new Set<string>();
  /** The lifetime of the next sessions opened. */
  sessionTtlMs = SESSION_TTL_MS;
  private refreshes = new Map<string, number>();
  private tokenSerial = 0;
  private sequence = 0;
  private now = Date.parse('2025-01-02T03:04:05Z');

  constructor(options: { products?: Product[]; mode?: PaymentMode } = {}) {
    this.products = options.products ?? PRODUCTS.map((p) => ({ ...p }));
    this.mode = options.mode ?? 'live';
  }

  readonly responder: Responder = (request) => {
    this.received.push(request);
    for (let i = 0; i < this.overrides.length; i += 1) {
      const reply = this.overrides[i](request);
      if (reply !== undefined) {
        this.overrides.splice(i, 1);
        return reply;
      }
    }
    return this.handle(request);
  };

  /** Ends every session on the server now (the mini app still has its token and its expiresAt). */
  expireSessions(): void {
    this.sessions.forEach((session) => {
      session.expiresAt = -Infinity;
    });
  }

  /** The tokens of the sessions opened for a buyer, oldest first. */
  tokensOf(buyerId: string): string[] {
    return Array.from(this.sessions.entries())
      .filter(([, session]) => session.buyerId === buyerId)
      .map(([token]) => token);
  }

  /** The next request for `method path` (path may be a RegExp) gets `reply` instead. */
  once(
    method: string,
    pathPattern: string | RegExp,
    reply: FakeReply | ((request: FakeRequest) => FakeReply | Promise<FakeReply>),
  ): void {
    this.overrides.push((request) => {
      const pathMatches = typeof pathPattern === 'string' ? request.path === pathPattern : pathPattern.test(request.path);
      if (request.method !== method || !pathMatches) return undefined;
      return typeof reply === 'function' ? reply(request) : reply;
    });
  }

  requestsTo(method: string, pathPattern: string | RegExp): FakeRequest[] {
    return this.received.filter(
      (r) => r.method === method && (typeof pathPattern === 'string' ? r.path === pathPattern : pathPattern.test(r.path)),
    );
  }

  order(ref: string): Order {
    const stored = this.orders.get(ref);
    if (!stored) throw new Error(`no order ${ref}`);
    return stored.order;
  }

  get createdOrders(): Order[] {
    return Array.from(this.orders.values()).map((s) => s.order);
  }

  setStatus(ref: string, status: OrderStatus): void {
    const order = this.order(ref);
    order.status = status;
    if (status === 'paid' && !order.paidAt) order.paidAt = new Date(this.now + 60000).toISOString();
  }

  /** Puts an order straight into the store (for the order list and detail pages): one of the first product unless `overrides` say otherwise. */
  addOrder(buyerId: string, overrides: Partial<Order> = {}): Order {
    const order = this.newOrder([{ product: this.products[0], quantity: 1 }]);
    Object.assign(order, overrides);
    this.orders.set(order.merchantReference, { order, buyerId, response: { order, gatewaydata: gatewaydataFor(order), mode: this.mode } });
    return order;
  }

  /** The ref of the order whose orderStr this is (the cashier sees only orderStr). */
  refForOrderStr(orderStr: string): string {
    const match = /out_trade_no=([^&]+)/.exec(orderStr);
    const found = this.createdOrders.find((o) => o.latipayOrderId === (match ? match[1] : null));
    if (!found) throw new Error(`no order for orderStr ${orderStr}`);
    return found.merchantReference;
  }

  private newOrder(lines: Array<{ product: Product; quantity: number }>): Order {
    this.sequence += 1;
    const ref = `M${String(this.sequence).padStart(6, '0')}`;
    const items: OrderItem[] = lines.map(({ product, quantity }) => ({
      productId: product.id,
      name: product.name,
      quantity,
      unitPrice: product.price,
      lineTotal: wire(cents(product.price) * quantity),
    }));
    return {
      merchantReference: ref,
      status: 'pending',
      amount: wire(items.reduce((sum, item) => sum + cents(item.lineTotal), 0)),
      currency: lines[0].product.currency,
      productName: summaryOf(items),
      items,
      latipayOrderId: `S2025010200000${String(this.sequence).padStart(3, '0')}`,
      createdAt: new Date(this.now + this.sequence * 1000).toISOString(),
      paidAt: null,
      refundedAmount: '0.00',
      refunds: [],
    };
  }

  /** What the backend does with a request (an override can do it and still lose the answer). */
  handle(request: FakeRequest): FakeReply {
    const { method, path } = request;
    if (method === 'GET' && path === '/healthz') return { status: 200, body: { status: 'ok', mode: this.mode } };
    if (method === 'GET' && path === '/api/products') return { status: 200, body: { products: this.products } };
    if (method === 'POST' && path === '/api/session') return this.openSession(request);
    const settle = /^\/api\/sandbox\/orders\/([^/]+)\/settle$/.exec(path);
    const match = /^\/api\/orders\/([^/]+)$/.exec(path);
    const buyerRoute =
      (method === 'POST' && path === '/api/orders') ||
      (method === 'GET' && (path === '/api/orders' || match !== null)) ||
      (method === 'POST' && settle !== null && this.mode === 'sandbox');
    if (!buyerRoute) return error(404, 'not_found', `no route ${method} ${path}`);
    const buyer = this.buyerOf(request);
    if (buyer === null) return error(401, 'unauthorized', 'a valid session token is required');
    if (method === 'POST' && path === '/api/orders') return this.create(request, buyer);
    if (path === '/api/orders') return this.listPage(buyer, request.query.before);
    if (settle) return this.settle(decodeURIComponent(settle[1]), buyer, request);
    const ref = decodeURIComponent((match as RegExpExecArray)[1]);
    const stored = this.orders.get(ref);
    if (!stored || stored.buyerId !== buyer) return error(404, 'not_found', `no order ${ref}`);
    if (request.query.refresh === 'true' && this.onRefresh) {
      const count = (this.refreshes.get(ref) ?? 0) + 1;
      this.refreshes.set(ref, count);
      const next = this.onRefresh(stored.order, count);
      if (next) this.setStatus(ref, next);
    }
    return { status: 200, body: { order: stored.order } };
  }

  /**
   * POST /api/session: a code the fake `my` handed out (once each), or in mode `sandbox` a
   * `sandbox:<name>` code (any number of times, always the same buyer).
   */
  private openSession(request: FakeRequest): FakeReply {
    const authCode = (request.body as { authCode?: unknown } | null)?.authCode;
    if (typeof authCode !== 'string' || authCode === '') return error(400, 'invalid_request', 'authCode is required');
    const buyerId = this.buyerForAuthCode(authCode);
    if (buyerId === null) return error(400, 'invalid_auth_code', 'the auth code is invalid, expired or used');
    this.tokenSerial += 1;
    const token = `fake-session-${this.tokenSerial}-${Math.random().toString(36).slice(2, 10)}`;
    const expiresAt = Date.now() + this.sessionTtlMs;
    this.sessions.set(token, { buyerId, expiresAt });
    const body: SessionResponse = { token, expiresAt: new Date(expiresAt).toISOString(), buyer: { id: buyerId } };
    return { status: 201, body };
  }

  private buyerForAuthCode(authCode: string): string | null {
    if (authCode.startsWith('sandbox:')) return this.mode === 'sandbox' && authCode.length > 'sandbox:'.length ? authCode : null;
    const alipayUser = alipayUserOf(authCode);
    if (alipayUser === null || this.usedAuthCodes.has(authCode)) return null;
    this.usedAuthCodes.add(authCode);
    return alipayUser;
  }

  /** The buyer whose unexpired session token the request carries (`Authorization: Bearer …`), else null. */
  private buyerOf(request: FakeRequest): string | null {
    const match = /^Bearer (\S+)$/.exec(request.header('Authorization') ?? '');
    const session = match ? this.sessions.get(match[1]) : undefined;
    return session && Date.now() < session.expiresAt ? session.buyerId : null;
  }

  /** GET /api/orders[?before=ref]: the buyer's orders, newest first, PAGE_SIZE a page; nothing after a ref not theirs. */
  private listPage(buyerId: string, before: string | undefined): FakeReply {
    const all = Array.from(this.orders.values())
      .filter((s) => s.buyerId === buyerId)
      .map((s) => s.order)
      .reverse();
    const at = before === undefined ? -1 : all.findIndex((o) => o.merchantReference === before);
    const older = before === undefined ? all : at < 0 ? [] : all.slice(at + 1);
    const page = older.slice(0, ORDERS_PAGE_SIZE);
    const more = older.length > ORDERS_PAGE_SIZE;
    const body: OrdersResponse = { orders: page, nextBefore: more ? page[page.length - 1].merchantReference : null };
    return { status: 200, body };
  }

  private settle(ref: string, buyerId: string, request: FakeRequest): FakeReply {
    const stored = this.orders.get(ref);
    if (!stored || stored.buyerId !== buyerId) return error(404, 'not_found', `no order ${ref}`);
    const action = (request.body as { action?: unknown } | null)?.action;
    if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(SANDBOX_CASHIER, action)) {
      return error(400, 'invalid_request', 'action must be one of pay, cancel, fail, processing, network_error, unknown');
    }
    if (stored.order.status !== 'pending') return error(409, 'order_not_pending', `order ${ref} is ${stored.order.status}`);
    const outcome = SANDBOX_CASHIER[action as SandboxCashierAction];
    if (outcome.status) this.setStatus(ref, outcome.status);
    return { status: 200, body: { resultCode: outcome.resultCode, order: stored.order } };
  }

  private create(request: FakeRequest, buyer: string): FakeReply {
    const key = request.header('Idempotency-Key');
    if (!key) return error(400, 'invalid_request', 'Idempotency-Key is required');
    const body = linesOfBody(request.body);
    if (body === null) return error(400, 'invalid_request', 'a JSON body with items is required');
    const invalid = invalidLines(body);
    if (invalid) return error(400, 'invalid_request', invalid);
    const lines = body as CartLine[];
    const fingerprint = JSON.stringify([buyer, lines.map((line) => [line.productId, line.quantity])]);
    const seen = this.keys.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) return error(409, 'idempotency_conflict', 'key reused with another request');
      return { status: 201, body: this.orders.get(seen.ref)?.response };
    }
    const unknown = lines.filter((line) => !this.products.some((p) => p.id === line.productId)).map((line) => `"${line.productId}"`);
    if (unknown.length > 0) return error(400, 'unknown_product', `not in the catalogue: ${unknown.join(', ')}`);
    const order = this.newOrder(lines.map((line) => ({ product: this.products.find((p) => p.id === line.productId) as Product, quantity: line.quantity })));
    const response: CreateOrderResponse = { order, gatewaydata: gatewaydataFor(order), mode: this.mode };
    this.orders.set(order.merchantReference, { order, buyerId: buyer, response });
    this.keys.set(key, { fingerprint, ref: order.merchantReference });
    return { status: 201, body: response };
  }
}
