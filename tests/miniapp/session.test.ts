// Signing in with Alipay (my.getAuthCode → POST /api/session) and the bearer token on buyer calls.
import { createApiClient } from '../../utils/api';
import type { ApiClient } from '../../utils/api';
import { isSignInError } from '../../utils/session';
import type { SessionSource } from '../../utils/session';
import { describeError } from '../../utils/error-text';
import { en } from '../../utils/strings-en';
import { AUTH_CODE_FAILURE, DEFAULT_ALIPAY_USER, FakeBackend, installFakeMy, SESSION_TTL_MS } from './harness';
import type { FakeMy, FakeMyOptions, FakeReply, FakeRequest } from './harness';

type SessionModule = typeof import('../../utils/session');

let fake: FakeMy;
let uninstall: () => void;
let backend: FakeBackend;

/** The session module as a launch of the app loads it (nothing kept in memory yet). */
function freshSessionModule(): SessionModule {
  let mod: SessionModule | undefined;
  jest.isolateModules(() => {
    mod = require('../../utils/session') as SessionModule;
  });
  return mod as SessionModule;
}

/** A launch of the app: a new session keeper (memory empty) on the same phone storage. */
function launchApp(): { api: ApiClient; session: SessionSource } {
  const session = freshSessionModule().createSessionKeeper();
  return { api: createApiClient(undefined, session), session };
}

function install(options: FakeMyOptions = {}): void {
  ({ fake, uninstall } = installFakeMy({ responder: backend.responder, ...options }));
}

beforeEach(() => {
  jest.useFakeTimers();
  backend = new FakeBackend();
});
afterEach(() => {
  uninstall();
  jest.useRealTimers();
});

const sessionRequests = (): FakeRequest[] => backend.requestsTo('POST', '/api/session');
const bearerOf = (request: FakeRequest): string | undefined => request.header('Authorization');
const unauthorized: FakeReply = { status: 401, body: { error: { code: 'unauthorized', message: 'session expired' } } };

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('signing in', () => {
  beforeEach(() => install());

  it('asks Alipay for a silent code, opens a session with it, and sends the token on buyer calls', async () => {
    const { api } = launchApp();
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toEqual([{ scopes: 'auth_base' }]);
    expect(sessionRequests().map((r) => r.body)).toEqual([{ authCode: fake.authCodes[0] }]);
    const [token] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    expect(bearerOf(backend.requestsTo('GET', '/api/orders')[0])).toBe(`Bearer ${token}`);
    expect(backend.requestsTo('GET', '/api/orders')[0].header('X-Buyer-Id')).toBeUndefined();
  });

  it('signs in once for every buyer call after it, and never for the products', async () => {
    const { api } = launchApp();
    const { order } = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1');
    await api.getOrder(order.merchantReference);
    await api.getOrder(order.merchantReference, { refresh: true });
    await api.listOrders();
    await api.listProducts();
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
    const [token] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    const buyerCalls = backend.received.filter((r) => r.path !== '/api/session' && r.path !== '/api/products');
    expect(buyerCalls.map(bearerOf)).toEqual(Array(4).fill(`Bearer ${token}`));
    expect(bearerOf(backend.requestsTo('GET', '/api/products')[0])).toBeUndefined();
  });

  it('calls made together before any session share one sign-in', async () => {
    const { api } = launchApp();
    await Promise.all([api.listOrders(), api.listOrders(), api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1')]);
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
    expect(sessionRequests()).toHaveLength(1);
  });

  it('a code Alipay gave is used once; a sign-in after a failure asks Alipay for a new one', async () => {
    const { api } = launchApp();
    backend.once('POST', '/api/session', { networkError: true });
    await expect(api.listOrders()).rejects.toMatchObject({ isSignInError: true });
    await api.listOrders();
    expect(sessionRequests().map((r) => (r.body as { authCode: string }).authCode)).toEqual(fake.authCodes);
    expect(new Set(fake.authCodes).size).toBe(2);
  });
});

describe('a 401 (the token expired or is unknown)', () => {
  beforeEach(() => install());

  it('signs in again once and sends the same call once more, with the new token', async () => {
    const { api } = launchApp();
    await api.listOrders();
    const [first] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    backend.expireSessions();
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
    const [, second] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    expect(backend.requestsTo('GET', '/api/orders').map(bearerOf)).toEqual([`Bearer ${first}`, `Bearer ${first}`, `Bearer ${second}`]);
  });

  it('a create retried after signing in again carries the same Idempotency-Key: one order', async () => {
    const { api } = launchApp();
    await api.signIn();
    backend.expireSessions();
    const created = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'key-1');
    const creates = backend.requestsTo('POST', '/api/orders');
    expect(creates.map((r) => r.header('Idempotency-Key'))).toEqual(['key-1', 'key-1']);
    expect(creates[0].header('Authorization')).not.toBe(creates[1].header('Authorization'));
    expect(backend.createdOrders.map((o) => o.merchantReference)).toEqual([created.order.merchantReference]);
  });

  it('a second 401 is the call\'s error: no loop, one sign-in more at most', async () => {
    const { api } = launchApp();
    await api.signIn();
    backend.once('GET', '/api/orders', unauthorized);
    backend.once('GET', '/api/orders', unauthorized);
    const error = await failureOf(api.listOrders());
    expect(error).toMatchObject({ kind: 'http', status: 401, code: 'unauthorized' });
    expect(describeError(error)).toBe(en.errorSignIn);
    expect(backend.requestsTo('GET', '/api/orders')).toHaveLength(2);
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
    // The next call works with the token of that sign-in.
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
  });

  it('a 401 that Alipay delivers as error 19 with the answer counts too', async () => {
    const { api } = launchApp();
    await api.signIn();
    backend.expireSessions();
    fake.httpErrorDelivery = 'fail19-without-status';
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
  });

  it('calls refused together share one sign-in, and each is sent once more', async () => {
    const { api } = launchApp();
    await api.signIn();
    backend.expireSessions();
    const { order } = await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1');
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
    backend.expireSessions();
    await Promise.all([api.listOrders(), api.getOrder(order.merchantReference), api.listOrders('M000001')]);
    expect(fake.callsTo('getAuthCode')).toHaveLength(3);
    expect(backend.requestsTo('GET', /^\/api\/orders/)).toHaveLength(6);
  });

  it('a sign-in failing then is the call\'s error, and the next call signs in', async () => {
    const { api } = launchApp();
    await api.signIn();
    backend.expireSessions();
    fake.authCodeReplies.push(AUTH_CODE_FAILURE);
    const error = await failureOf(api.listOrders());
    expect(isSignInError(error)).toBe(true);
    expect(describeError(error)).toBe(en.errorSignIn);
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(3);
  });
});

describe('Alipay giving no code', () => {
  it('is a sign-in error: "Couldn\'t sign you in with Alipay", and nothing is sent', async () => {
    install({ alipayUser: null });
    const { api } = launchApp();
    const error = await failureOf(api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1'));
    expect(isSignInError(error)).toBe(true);
    expect(describeError(error)).toBe(en.errorSignIn);
    expect(backend.received.map((r) => r.path)).toEqual(['/healthz']);
    fake.alipayUser = DEFAULT_ALIPAY_USER;
    await api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1');
    expect(backend.createdOrders).toHaveLength(1);
  });

  it.each<[string, FakeReply]>([
    ['an invalid code (invalid_auth_code)', { status: 400, body: { error: { code: 'invalid_auth_code', message: 'x' } } }],
    ['no answer', { networkError: true }],
  ])('the backend refusing the code (%s) says sign-in failed', async (_, reply) => {
    install();
    backend.once('POST', '/api/session', reply);
    const error = await failureOf(launchApp().api.signIn());
    expect(describeError(error)).toBe(en.errorSignIn);
  });

  it.each(['alipay_unavailable', 'alipay_error'])('the backend unable to check it with Alipay (%s) says so', async (code) => {
    install();
    backend.once('POST', '/api/session', { status: code === 'alipay_error' ? 502 : 503, body: { error: { code, message: 'x' } } });
    const error = await failureOf(launchApp().api.signIn());
    expect(describeError(error)).toBe(en.errorSignInService);
  });

  it('a session answer that breaks the contract is a sign-in error', async () => {
    install();
    backend.once('POST', '/api/session', { status: 201, body: { token: 'x', expiresAt: 'soon' } });
    expect(isSignInError(await failureOf(launchApp().api.signIn()))).toBe(true);
  });
});

describe('the sandbox fallback', () => {
  it('develop build, sandbox backend: signs in as `sandbox:<device id>`, the same shopper on every launch', async () => {
    backend.mode = 'sandbox';
    install({ envVersion: 'develop', alipayUser: null });
    const first = launchApp();
    await first.api.createOrder({ productId: 'ticket', quantity: 1 }, 'k1');
    const deviceId = fake.stored('deviceId');
    expect(deviceId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(sessionRequests().map((r) => r.body)).toEqual([{ authCode: `sandbox:${deviceId}` }]);
    expect(backend.requestsTo('GET', '/healthz')).toHaveLength(1);

    fake.storage.delete('session');
    const second = launchApp();
    const { orders } = await second.api.listOrders();
    expect(orders).toHaveLength(1);
    expect(sessionRequests().map((r) => r.body)).toEqual([{ authCode: `sandbox:${deviceId}` }, { authCode: `sandbox:${deviceId}` }]);
  });

  it('develop build: Alipay\'s code first, whenever it gives one', async () => {
    backend.mode = 'sandbox';
    install({ envVersion: 'develop' });
    await launchApp().api.signIn();
    expect(sessionRequests().map((r) => r.body)).toEqual([{ authCode: fake.authCodes[0] }]);
    expect(backend.requestsTo('GET', '/healthz')).toEqual([]);
  });

  it('develop build, live backend: no fallback', async () => {
    install({ envVersion: 'develop', alipayUser: null });
    const error = await failureOf(launchApp().api.signIn());
    expect(describeError(error)).toBe(en.errorSignIn);
    expect(sessionRequests()).toEqual([]);
  });

  it('develop build, backend unreachable for /healthz: no fallback', async () => {
    backend.mode = 'sandbox';
    install({ envVersion: 'develop', alipayUser: null });
    backend.once('GET', '/healthz', { networkError: true });
    expect(isSignInError(await failureOf(launchApp().api.signIn()))).toBe(true);
    expect(sessionRequests()).toEqual([]);
  });

  it.each(['trial', 'release', 'gray'] as const)('%s build, sandbox backend: never a fallback', async (envVersion) => {
    backend.mode = 'sandbox';
    install({ envVersion, alipayUser: null });
    const error = await failureOf(launchApp().api.signIn());
    expect(describeError(error)).toBe(en.errorSignIn);
    expect(backend.received).toEqual([]);
    expect(fake.stored('deviceId')).toBeNull();
  });
});

describe('the token across launches', () => {
  beforeEach(() => install());

  it('is kept in storage and reused by the next launch until it expires', async () => {
    await launchApp().api.listOrders();
    const [token] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    expect(fake.stored('session')).toEqual({ token, expiresAt: expect.any(String) });

    await launchApp().api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
    expect(backend.requestsTo('GET', '/api/orders').map(bearerOf)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);

    jest.setSystemTime(Date.now() + SESSION_TTL_MS);
    await launchApp().api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
    const [, renewed] = backend.tokensOf(DEFAULT_ALIPAY_USER);
    // The expired token is not even tried.
    expect(backend.requestsTo('GET', '/api/orders').map(bearerOf)).toEqual([`Bearer ${token}`, `Bearer ${token}`, `Bearer ${renewed}`]);
    expect(fake.stored('session')).toEqual({ token: renewed, expiresAt: expect.any(String) });
  });

  it('with storage full, lives in memory for this launch; the next launch signs in again', async () => {
    fake.storageFull = true;
    const { api } = launchApp();
    await api.listOrders();
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
    expect(fake.stored('session')).toBeNull();
    await launchApp().api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(2);
  });

  it('with storage that cannot be read or throws on writing, still signs in and works', async () => {
    (fake.my as Record<string, unknown>).getStorageSync = () => {
      throw new Error('broken');
    };
    (fake.my as Record<string, unknown>).setStorageSync = () => {
      throw new Error('full');
    };
    const { api } = launchApp();
    await api.listOrders();
    await api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
    expect(backend.requestsTo('GET', '/api/orders')).toHaveLength(2);
  });

  it('ignores a damaged stored session', async () => {
    fake.my.setStorageSync({ key: 'session', data: { token: 5 } } as never);
    await launchApp().api.listOrders();
    expect(fake.callsTo('getAuthCode')).toHaveLength(1);
  });

  it('hasToken tells without signing in', async () => {
    const { api } = launchApp();
    expect(api.isSignedIn()).toBe(false);
    expect(fake.callsTo('getAuthCode')).toEqual([]);
    await api.signIn();
    expect(api.isSignedIn()).toBe(true);
    jest.setSystemTime(Date.now() + SESSION_TTL_MS);
    expect(api.isSignedIn()).toBe(false);
  });
});
