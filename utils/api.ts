import type {
  CreateOrderRequest,
  CreateOrderResponse,
  Order,
  OrderResponse,
  OrdersResponse,
  Product,
  ProductsResponse,
  SandboxCashierAction,
  SandboxSettleRequest,
  SandboxSettleResponse,
} from '../server/contract';
import { CREATE_ORDER_TIMEOUT_MS } from '../config/env';
import { ApiError, isUnauthorized } from './api-error';
import { isCreateOrderResponse, isOrder, isProduct, isSandboxSettleResponse } from './api-guards';
import { request } from './request';
import type { JsonObject, RequestFn, RequestOptions } from './request';
import { appSession } from './session';
import type { SessionSource } from './session';

/** The merchant backend's API (server/contract.ts), answers checked against the contract. */
export interface ApiClient {
  /** Makes sure the shopper is signed in (silently); rejects with a SignInError when that fails. */
  signIn(): Promise<void>;
  /** Whether a session is kept now (asks nobody). */
  isSignedIn(): boolean;
  listProducts(): Promise<Product[]>;
  createOrder(body: CreateOrderRequest, idempotencyKey: string): Promise<CreateOrderResponse>;
  getOrder(merchantReference: string, options?: { refresh?: boolean; timeoutMs?: number }): Promise<Order>;
  /** A page of the shopper's orders, newest first: the first, or the one older than `before` (a `nextBefore`). */
  listOrders(before?: string): Promise<OrdersResponse>;
  /** The sandbox cashier (a backend on the sandbox only): settles the order as `action` says. */
  settleSandboxOrder(merchantReference: string, action: SandboxCashierAction): Promise<SandboxSettleResponse>;
}

export function createApiClient(send: RequestFn = request, session: SessionSource = appSession): ApiClient {
  /**
   * A buyer route, with the session's token. A 401 (the token expired or is unknown) signs in
   * again once and sends the same call once more (same headers, so the same Idempotency-Key);
   * a second 401 is the caller's error.
   */
  async function sendAsBuyer(options: RequestOptions): Promise<JsonObject> {
    const token = await session.token();
    try {
      return await send(withToken(options, token));
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      return send(withToken(options, await session.renew(token)));
    }
  }

  return {
    async signIn() {
      await session.token();
    },

    isSignedIn: () => session.hasToken(),

    async listProducts() {
      const body = await send({ method: 'GET', path: '/api/products' });
      const products = (body as Partial<ProductsResponse>).products;
      if (!Array.isArray(products) || !products.every(isProduct)) throw malformed('/api/products', body);
      return products;
    },

    async createOrder(payload, idempotencyKey) {
      const body = await sendAsBuyer({
        method: 'POST',
        path: '/api/orders',
        body: payload,
        headers: { 'Idempotency-Key': idempotencyKey },
        timeoutMs: CREATE_ORDER_TIMEOUT_MS,
      });
      if (!isCreateOrderResponse(body)) throw malformed('/api/orders', body);
      return body;
    },

    async getOrder(merchantReference, options = {}) {
      const path = `/api/orders/${encodeURIComponent(merchantReference)}`;
      const body = await sendAsBuyer({
        method: 'GET',
        path,
        query: options.refresh ? { refresh: 'true' } : undefined,
        timeoutMs: options.timeoutMs,
      });
      const order = (body as Partial<OrderResponse>).order;
      if (!isOrder(order)) throw malformed(path, body);
      return order;
    },

    async listOrders(before) {
      const body = await sendAsBuyer({ method: 'GET', path: '/api/orders', query: before === undefined ? undefined : { before } });
      const { orders, nextBefore } = body as Partial<OrdersResponse>;
      if (!Array.isArray(orders) || !orders.every(isOrder) || !isCursor(nextBefore)) throw malformed('/api/orders', body);
      return { orders, nextBefore };
    },

    async settleSandboxOrder(merchantReference, action) {
      const path = `/api/sandbox/orders/${encodeURIComponent(merchantReference)}/settle`;
      const payload: SandboxSettleRequest = { action };
      const body = await sendAsBuyer({ method: 'POST', path, body: payload });
      if (!isSandboxSettleResponse(body)) throw malformed(path, body);
      return body;
    },
  };
}

function withToken(options: RequestOptions, token: string): RequestOptions {
  return { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } };
}

function isCursor(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && value !== '');
}

function malformed(path: string, body: JsonObject): ApiError {
  return new ApiError('malformed', `${path} answered with a shape the contract does not allow (keys: ${Object.keys(body).join(', ')})`);
}
