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
import { ApiError } from './api-error';
import { isCreateOrderResponse, isOrder, isProduct, isSandboxSettleResponse } from './api-guards';
import { buyerId } from './buyer';
import { request } from './request';
import type { JsonObject, RequestFn } from './request';

/** The merchant backend's API (server/contract.ts), answers checked against the contract. */
export interface ApiClient {
  listProducts(): Promise<Product[]>;
  createOrder(body: CreateOrderRequest, idempotencyKey: string): Promise<CreateOrderResponse>;
  getOrder(merchantReference: string, options?: { refresh?: boolean; timeoutMs?: number }): Promise<Order>;
  listOrders(): Promise<Order[]>;
  /** The sandbox cashier (a backend on the sandbox only): settles the order as `action` says. */
  settleSandboxOrder(merchantReference: string, action: SandboxCashierAction): Promise<SandboxSettleResponse>;
}

export function createApiClient(send: RequestFn = request, getBuyerId: () => string = buyerId): ApiClient {
  const buyerHeaders = (): Record<string, string> => ({ 'X-Buyer-Id': getBuyerId() });

  return {
    async listProducts() {
      const body = await send({ method: 'GET', path: '/api/products', headers: buyerHeaders() });
      const products = (body as Partial<ProductsResponse>).products;
      if (!Array.isArray(products) || !products.every(isProduct)) throw malformed('/api/products', body);
      return products;
    },

    async createOrder(payload, idempotencyKey) {
      const body = await send({
        method: 'POST',
        path: '/api/orders',
        body: payload,
        headers: { ...buyerHeaders(), 'Idempotency-Key': idempotencyKey },
        timeoutMs: CREATE_ORDER_TIMEOUT_MS,
      });
      if (!isCreateOrderResponse(body)) throw malformed('/api/orders', body);
      return body;
    },

    async getOrder(merchantReference, options = {}) {
      const path = `/api/orders/${encodeURIComponent(merchantReference)}`;
      const body = await send({
        method: 'GET',
        path,
        query: options.refresh ? { refresh: 'true' } : undefined,
        headers: buyerHeaders(),
        timeoutMs: options.timeoutMs,
      });
      const order = (body as Partial<OrderResponse>).order;
      if (!isOrder(order)) throw malformed(path, body);
      return order;
    },

    async listOrders() {
      const body = await send({ method: 'GET', path: '/api/orders', headers: buyerHeaders() });
      const orders = (body as Partial<OrdersResponse>).orders;
      if (!Array.isArray(orders) || !orders.every(isOrder)) throw malformed('/api/orders', body);
      return orders;
    },

    async settleSandboxOrder(merchantReference, action) {
      const path = `/api/sandbox/orders/${encodeURIComponent(merchantReference)}/settle`;
      const payload: SandboxSettleRequest = { action };
      const body = await send({ method: 'POST', path, body: payload, headers: buyerHeaders() });
      if (!isSandboxSettleResponse(body)) throw malformed(path, body);
      return body;
    },
  };
}

function malformed(path: string, body: JsonObject): ApiError {
  return new ApiError('malformed', `${path} answered with a shape the contract does not allow (keys: ${Object.keys(body).join(', ')})`);
}
