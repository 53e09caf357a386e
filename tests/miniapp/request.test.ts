import { API_BASE_URLS, REQUEST_TIMEOUT_MS } from '../../config/env';
import { ApiError, isApiError, isDomainNotAllowed, isRequestStopped, isUncertainFailure } from '../../utils/api-error';
import { apiBaseUrl, currentEnvVersion } from '../../utils/env-version';
import { buildUrl, request } from '../../utils/request';
import { installFakeMy } from './harness';
import type { FakeMy, FakeReply } from './harness';

let fake: FakeMy;
let uninstall: () => void;

beforeEach(() => {
  jest.useFakeTimers();
  ({ fake, uninstall } = installFakeMy());
});
afterEach(() => {
  uninstall();
  jest.useRealTimers();
});

function answer(reply: FakeReply): void {
  fake.responder = () => reply;
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(isApiError(error)).toBe(true);
  return error as ApiError;
}

describe('base URL per envVersion', () => {
  it.each([
    ['develop', 'http://127.0.0.1:3000'],
    ['trial', API_BASE_URLS.trial],
    ['release', API_BASE_URLS.release],
    ['gray', API_BASE_URLS.release],
  ] as const)('%s uses %s', (envVersion, base) => {
    fake.envVersion = envVersion;
    expect(apiBaseUrl()).toBe(base);
  });

  it('develop defaults to the local backend of `npm start`', () => {
    expect(API_BASE_URLS.develop).toBe('http://127.0.0.1:3000');
  });

  it('trial and release are HTTPS (Alipay requires it outside the IDE)', () => {
    expect(API_BASE_URLS.trial).toMatch(/^https:\/\//);
    expect(API_BASE_URLS.release).toMatch(/^https:\/\//);
  });

  it('counts as release when the account info is unavailable', () => {
    (fake.my as Record<string, unknown>).getAccountInfoSync = () => {
      throw new Error('not supported');
    };
    expect(currentEnvVersion()).toBe('release');
  });

  it('builds URLs with an encoded query', () => {
    expect(buildUrl('/api/orders/M 1', { refresh: 'true', q: 'a&b' })).toBe(
      'http://127.0.0.1:3000/api/orders/M 1?refresh=true&q=a%26b',
    );
  });
});

describe('request', () => {
  it('sends JSON with a timeout and resolves with the parsed body', async () => {
    answer({ status: 201, body: { ok: true } });
    await expect(
      request({ method: 'POST', path: '/api/orders', body: { productId: 'p', quantity: 2 }, headers: { 'X-A': '1' } }),
    ).resolves.toEqual({ ok: true });
    const [sent] = fake.requests;
    expect(sent).toMatchObject({
      url: 'http://127.0.0.1:3000/api/orders',
      method: 'POST',
      dataType: 'json',
      timeout: REQUEST_TIMEOUT_MS,
      body: { productId: 'p', quantity: 2 },
    });
    expect(sent.headers).toEqual({ Accept: 'application/json', 'Content-Type': 'application/json', 'X-A': '1' });
  });

  it('sends no body and no content type on GET', async () => {
    answer({ status: 200, body: {} });
    await request({ method: 'GET', path: '/api/products', timeoutMs: 1234 });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', data: undefined, timeout: 1234 });
    expect(fake.requests[0].header('content-type')).toBeUndefined();
  });

  it('parses a JSON body that the runtime handed over as text', async () => {
    (fake.my as Record<string, unknown>).request = (options: { success: (r: unknown) => void }) => {
      void Promise.resolve().then(() => options.success({ status: 200, data: '{"a":1}', headers: {} }));
    };
    await expect(request({ method: 'GET', path: '/x' })).resolves.toEqual({ a: 1 });
  });

  describe('HTTP errors, delivered either way Alipay does', () => {
    it.each(['success', 'fail19-with-body'] as const)('%s: status, server code and message', async (delivery) => {
      fake.httpErrorDelivery = delivery;
      answer({ status: 404, body: { error: { code: 'unknown_product', message: 'no such product' } } });
      const error = await failureOf(request({ method: 'POST', path: '/api/orders', body: {} }));
      expect(error).toMatchObject({ kind: 'http', status: 404, code: 'unknown_product' });
      expect(error.message).toContain('no such product');
    });

    it('fail19 without the answer: still an http error, status unknown', async () => {
      fake.httpErrorDelivery = 'fail19';
      answer({ status: 503, body: { error: { code: 'latipay_unavailable', message: 'down' } } });
      const error = await failureOf(request({ method: 'GET', path: '/api/products' }));
      expect(error).toMatchObject({ kind: 'http', status: null, code: null });
    });

    it('an error status with a body that is not the error shape', async () => {
      answer({ status: 502, body: { oops: true } });
      expect(await failureOf(request({ method: 'GET', path: '/x' }))).toMatchObject({ kind: 'http', status: 502, code: null });
    });

    it('a 5xx whose body is a bare JSON string is still the HTTP error it is', async () => {
      fake.httpErrorDelivery = 'fail19-with-body';
      fake.responder = () => ({ status: 500, raw: '"Internal Server Error"' });
      expect(await failureOf(request({ method: 'GET', path: '/x' }))).toMatchObject({ kind: 'http', status: 500 });
    });
  });

  describe('malformed answers', () => {
    it.each([
      ['text that is not JSON (error 14)', { status: 200, raw: '<html>proxy</html>' }],
      ['an empty body', { status: 200, raw: '' }],
      ['a JSON array', { status: 200, body: [1, 2] }],
      ['a JSON string', { status: 200, body: 'ok' }],
      ['JSON null', { status: 200, raw: 'null' }],
    ] as Array<[string, FakeReply]>)('2xx with %s', async (_label, reply) => {
      answer(reply);
      const error = await failureOf(request({ method: 'GET', path: '/api/products' }));
      expect(error.kind).toBe('malformed');
      expect(isUncertainFailure(error)).toBe(true);
    });
  });

  it('network failure (error 12)', async () => {
    answer({ networkError: true });
    const error = await failureOf(request({ method: 'GET', path: '/x' }));
    expect(error).toMatchObject({ kind: 'network', status: null });
    expect(isUncertainFailure(error)).toBe(true);
  });

  it.each([4, 11, 20])('Alipay refusing the request (error %i) is a network failure that keeps its error number', async (code) => {
    answer({ networkError: true, error: code });
    const error = await failureOf(request({ method: 'GET', path: '/x' }));
    expect(error).toMatchObject({ kind: 'network', requestError: code });
    expect(isDomainNotAllowed(error)).toBe(code !== 20);
    expect(isRequestStopped(error)).toBe(code === 20);
    // Nothing says the server never saw it (20), so a retry keeps its Idempotency-Key.
    expect(isUncertainFailure(error)).toBe(true);
  });

  it('sends its headers as `headers`, never `header` (older base libraries read only `headers`)', async () => {
    answer({ status: 200, body: {} });
    await request({ method: 'GET', path: '/x', headers: { 'Idempotency-Key': 'k-1' } });
    const [args] = fake.callsTo('request');
    expect(args.headers).toMatchObject({ 'Idempotency-Key': 'k-1' });
    expect(args).not.toHaveProperty('header');
    expect(fake.requests[0].header('Idempotency-Key')).toBe('k-1');
  });

  it('my.request throwing is a network failure', async () => {
    (fake.my as Record<string, unknown>).request = () => {
      throw new Error('bad parameters');
    };
    expect(await failureOf(request({ method: 'GET', path: '/x' }))).toMatchObject({ kind: 'network' });
  });

  it("timeout: Alipay's error 13 after the timeout", async () => {
    answer({ timeout: true });
    const pending = failureOf(request({ method: 'GET', path: '/x', timeoutMs: 5000 }));
    await jest.advanceTimersByTimeAsync(5000);
    const error = await pending;
    expect(error.kind).toBe('timeout');
    expect(isUncertainFailure(error)).toBe(true);
  });

  it('timeout: gives up on a runtime that never calls back, and aborts the request', async () => {
    answer({ hang: true });
    let settled = false;
    const pending = failureOf(request({ method: 'GET', path: '/x', timeoutMs: 5000 })).finally(() => {
      settled = true;
    });
    await jest.advanceTimersByTimeAsync(5000);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(2000);
    expect((await pending).kind).toBe('timeout');
    expect(fake.requests[0].aborted).toBe(true);
  });

  it('settles once: an answer after the guard fired changes nothing', async () => {
    let late: (() => void) | undefined;
    (fake.my as Record<string, unknown>).request = (options: { success: (r: unknown) => void }) => {
      late = () => options.success({ status: 200, data: { a: 1 }, headers: {} });
      return {};
    };
    const pending = failureOf(request({ method: 'GET', path: '/x', timeoutMs: 10 }));
    await jest.advanceTimersByTimeAsync(2010);
    (late as () => void)();
    expect((await pending).kind).toBe('timeout');
  });

  it('leaves no timer behind after an answer', async () => {
    answer({ status: 200, body: {} });
    await request({ method: 'GET', path: '/x' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ApiError works with instanceof and carries its fields', () => {
    const error = new ApiError('http', 'm', 409, 'idempotency_conflict');
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ApiError', kind: 'http', status: 409, code: 'idempotency_conflict' });
    expect(isUncertainFailure(error)).toBe(false);
    expect(isApiError(new Error('x'))).toBe(false);
  });
});
