import { signPaymentResult } from '../../../server/latipay';
import type { CreateOrderResponse, ErrorResponse, Order } from '../../../server/contract';
import type { TestServer } from '../../support/server';
import { http, waitFor, type HttpResult } from './http';

/** Shop-level steps over HTTP, shared by the backend tests. */

/** A success or an error body: tests look at whichever the status says. */
type Answer<T> = T & ErrorResponse;

/** The session headers of a shopper (signed in once per server), DEFAULT_SHOPPER unless named. */
export async function shopperHeaders(server: TestServer, shopper?: string): Promise<Record<string, string>> {
  return (await server.signIn(shopper)).headers;
}

/** POST /api/orders as `shopper` (DEFAULT_SHOPPER unless named); `headers` are added. */
export async function createOrder(
  server: TestServer,
  body: unknown = { productId: 'test-item', quantity: 1 },
  headers: Record<string, string> = {},
  shopper?: string,
): Promise<HttpResult<Answer<CreateOrderResponse>>> {
  return http(`${server.url}/api/orders`, { json: body, headers: { ...(await shopperHeaders(server, shopper)), ...headers } });
}

export async function createdOrder(server: TestServer, body?: unknown, headers?: Record<string, string>, shopper?: string): Promise<Order> {
  const res = await createOrder(server, body, headers, shopper);
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.text}`);
  return res.body.order;
}

export async function getOrder(
  server: TestServer,
  merchantReference: string,
  refresh = false,
  shopper?: string,
): Promise<HttpResult<Answer<{ order: Order }>>> {
  const url = `${server.url}/api/orders/${merchantReference}${refresh ? '?refresh=true' : ''}`;
  return http(url, { headers: await shopperHeaders(server, shopper) });
}

export async function orderStatus(server: TestServer, merchantReference: string, shopper?: string): Promise<string> {
  return (await getOrder(server, merchantReference, false, shopper)).body.order.status;
}

export async function waitForStatus(server: TestServer, merchantReference: string, status: string, shopper?: string): Promise<Order> {
  return waitFor(async () => {
    const { body } = await getOrder(server, merchantReference, false, shopper);
    return body.order.status === status ? body.order : undefined;
  }, `order ${merchantReference} to be ${status}`);
}

/** Settles the order in the sandbox, as a shopper paying (or not) would. */
export async function complete(
  server: TestServer,
  merchantReference: string,
  status: 'paid' | 'failed' | 'canceled',
  notification: 'deliver' | 'duplicate' | 'drop' | 'bad_signature' | 'delay' = 'deliver',
): Promise<void> {
  const res = await http(`${server.sandboxUrl}/sandbox/orders/${merchantReference}/complete`, { json: { status, notification } });
  if (res.status !== 200) throw new Error(`sandbox complete answered ${res.status}: ${res.text}`);
}

export async function sandboxOrder(server: TestServer, merchantReference: string): Promise<any> {
  return (await http(`${server.sandboxUrl}/sandbox/orders/${merchantReference}`)).body.order;
}

export async function sandboxCalls(server: TestServer): Promise<{ create: number; query: number; refund: number }> {
  return (await http(`${server.sandboxUrl}/sandbox/stats`)).body.calls;
}

export async function addFault(server: TestServer, fault: Record<string, unknown>): Promise<void> {
  const res = await http(`${server.sandboxUrl}/sandbox/faults`, { json: fault });
  if (res.status !== 200) throw new Error(`sandbox fault answered ${res.status}: ${res.text}`);
}

/** A notification as Latipay would send it, signed with `apiKey` (the server's, unless a test forges one). */
export function notification(
  order: Pick<Order, 'merchantReference' | 'amount' | 'currency' | 'latipayOrderId'>,
  status: string,
  apiKey: string,
  overrides: Partial<Record<'amount' | 'currency', string>> = {},
): Record<string, string> {
  const fields = {
    merchant_reference: order.merchantReference,
    order_id: order.latipayOrderId ?? '',
    currency: overrides.currency ?? order.currency,
    amount: overrides.amount ?? order.amount,
    payment_method: 'alipay',
    status,
    pay_time: '2025-01-01 10:00:00',
  };
  return { ...fields, signature: signPaymentResult(fields, apiKey) };
}

export async function notify(server: TestServer, form: Record<string, string>): Promise<HttpResult> {
  return http(`${server.url}/api/latipay/notify`, { form });
}

export function adminHeaders(server: TestServer): Record<string, string> {
  return { authorization: `Bearer ${server.adminToken}` };
}

export async function refund(
  server: TestServer,
  merchantReference: string,
  body: unknown,
  headers: Record<string, string> = adminHeaders(server),
): Promise<HttpResult> {
  return http(`${server.url}/api/admin/orders/${merchantReference}/refunds`, { json: body, headers });
}
