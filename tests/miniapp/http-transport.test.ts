// my.request carried over real HTTP (harness/http-transport.ts), seen through utils/request.ts.
import { request } from '../../utils/request';
import { API_BASE_URLS } from '../../config/env';
import { startReceiver, unusedLocalUrl, type Receiver } from '../support/receiver';
import { HttpTransport, installFakeMy } from './harness';
import type { FakeMy, FakeRequest } from './harness';

let receiver: Receiver;
let transport: HttpTransport;
let fake: FakeMy;
let uninstall: () => void;

beforeEach(async () => {
  receiver = await startReceiver(() => ({ status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } }));
  transport = new HttpTransport(API_BASE_URLS.develop, receiver.url);
  ({ fake, uninstall } = installFakeMy({ responder: transport.responder }));
});
afterEach(async () => {
  uninstall();
  await receiver.close();
});

it('sends the request to the target: method, path and query, headers, JSON body', async () => {
  const body = await request({ method: 'POST', path: '/api/orders', query: { a: '1 2' }, body: { productId: 'x' }, headers: { 'Idempotency-Key': 'k-1' } });
  expect(body).toEqual({ ok: true });
  const [received] = receiver.requests;
  expect(received).toMatchObject({ method: 'POST', url: '/api/orders?a=1%202', body: '{"productId":"x"}' });
  expect(received.headers).toMatchObject({ 'idempotency-key': 'k-1', 'content-type': 'application/json' });
  expect(fake.requests[0].url).toBe(`${API_BASE_URLS.develop}/api/orders?a=1%202`);
  expect(transport.exchanges).toEqual([
    { method: 'POST', path: '/api/orders?a=1%202', url: `${receiver.url}/api/orders?a=1%202`, outcome: { status: 200 } },
  ]);
});

it('delivers a 4xx or 5xx answer like Alipay: an answer, with its status and body', async () => {
  receiver.respondWith(() => ({ status: 502, body: '{"error":{"code":"latipay_error","message":"down"}}' }));
  await expect(request({ method: 'GET', path: '/api/x' })).rejects.toMatchObject({ kind: 'http', status: 502, code: 'latipay_error' });
});

describe('a 4xx or 5xx delivered as error 19, as Alipay also does', () => {
  beforeEach(() => {
    receiver.respondWith(() => ({ status: 409, body: '{"error":{"code":"idempotency_conflict","message":"still being processed"}}' }));
  });

  it('bare, without the answer: status and code unknown', async () => {
    transport.errorDelivery = 'fail19';
    await expect(request({ method: 'GET', path: '/api/x' })).rejects.toMatchObject({ kind: 'http', status: null, code: null });
    expect(transport.exchanges[0].outcome).toEqual({ status: 409 });
  });

  it('with the body but no status', async () => {
    transport.errorDelivery = 'fail19-without-status';
    await expect(request({ method: 'GET', path: '/api/x' })).rejects.toMatchObject({ kind: 'http', status: null, code: 'idempotency_conflict' });
  });

  it('with status and body', async () => {
    transport = new HttpTransport(API_BASE_URLS.develop, receiver.url, 'fail19-with-body');
    fake.responder = transport.responder;
    await expect(request({ method: 'GET', path: '/api/x' })).rejects.toMatchObject({ kind: 'http', status: 409, code: 'idempotency_conflict' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a 2xx is still an answer', async () => {
    transport.errorDelivery = 'fail19';
    receiver.respondWith(() => ({ status: 200, body: '{"ok":true}' }));
    await expect(request({ method: 'GET', path: '/api/x' })).resolves.toEqual({ ok: true });
  });
});

it('no server at the target is error 12 (network)', async () => {
  transport.target = await unusedLocalUrl();
  await expect(request({ method: 'GET', path: '/api/x' })).rejects.toMatchObject({ kind: 'network' });
  expect(transport.exchanges[0].outcome).toEqual({ error: 12 });
});

it("no answer within the request's timeout is error 13 (timeout)", async () => {
  receiver.respondWith(() => new Promise(() => undefined));
  await expect(request({ method: 'GET', path: '/api/x', timeoutMs: 100 })).rejects.toMatchObject({ kind: 'timeout' });
  expect(transport.exchanges[0].outcome).toEqual({ error: 13 });
});

it('holds the next matching request until released, and knows when nothing is on its way', async () => {
  const hold = transport.hold('GET', /^\/api\/orders\/M1\?refresh=true$/);
  const answered = request({ method: 'GET', path: '/api/orders/M1', query: { refresh: 'true' } });
  const held = await hold.reached;
  expect(held.path).toBe('/api/orders/M1');
  expect(receiver.requests).toEqual([]);
  let idle = false;
  const idling = transport.idle().then(() => {
    idle = true;
  });
  await request({ method: 'GET', path: '/api/orders/M1' });
  expect(idle).toBe(false);
  hold.release();
  await answered;
  await idling;
  expect(receiver.requests.map((r) => r.url)).toEqual(['/api/orders/M1', '/api/orders/M1?refresh=true']);
});

it('lets every held request go when the test ends early', async () => {
  const arrived = transport.hold('GET', /^\/api\/a$/);
  transport.hold('GET', /^\/api\/b$/);
  const held = request({ method: 'GET', path: '/api/a' });
  await arrived.reached;
  transport.releaseAll();
  await held;
  await request({ method: 'GET', path: '/api/b' });
  expect(receiver.requests.map((r) => r.url)).toEqual(['/api/a', '/api/b']);
});

it('refuses a request outside the base URL or with data that is not a JSON string (a test setup problem)', async () => {
  const asked = (url: string, data?: unknown) => ({ url, method: 'GET', data }) as unknown as FakeRequest;
  await expect(transport.responder(asked('https://elsewhere.example/api'))).rejects.toThrow('not its base URL');
  await expect(transport.responder(asked(`${API_BASE_URLS.develop}/api`, { a: 1 }))).rejects.toThrow('not a JSON string');
});
