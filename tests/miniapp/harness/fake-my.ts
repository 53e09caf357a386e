/**
 * A fake `my` that records every call and behaves as Alipay documents it:
 * callbacks (success/fail/complete) called asynchronously, my.request failing with Alipay's
 * error numbers (12 network, 13 timeout, 14 JSON parse, 19 HTTP status), 4xx/5xx delivered
 * either to `success` or as error 19, request headers read from `headers` only, storage
 * copying values and refusing what does not fit with `{ success: false }` (no throw),
 * tradePay answering from a configurable cashier while the page it covers is hidden,
 * getAuthCode handing out a fresh single-use code for the Alipay user signed in (or failing
 * as a test says) and refusing scopes that would prompt the shopper.
 * Navigation and page lifecycle are handed to the runtime (runtime.ts).
 */

export interface FakeRequest {
  url: string;
  method: string;
  /** URL path without the base, e.g. /api/orders/M1. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Case-insensitive header lookup. */
  header(name: string): string | undefined;
  data: unknown;
  /** `data` parsed as JSON when it is a JSON string. */
  body: unknown;
  dataType: string;
  timeout: number | undefined;
  aborted: boolean;
}

export type FakeReply =
  /**
   * An HTTP answer: `body` is sent as JSON, `raw` as text exactly; `delivery` (for a 4xx/5xx)
   * overrides the fake's httpErrorDelivery for this answer.
   */
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string>; delivery?: HttpErrorDelivery }
  /** No HTTP answer (error 12 unless another number is given, e.g. 11 domain not whitelisted). */
  | { networkError: true; error?: number }
  /** Alipay's own timeout (error 13) after the request's `timeout`. */
  | { timeout: true }
  /** The runtime never calls back. */
  | { hang: true };

export type Responder = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

/**
 * Where a 4xx/5xx goes: `success` with the status (Alipay's current docs), `fail19` as
 * `{ error: 19 }` without the answer, `fail19-with-body` as error 19 carrying status and data,
 * `fail19-without-status` as error 19 carrying the data but no status.
 */
export type HttpErrorDelivery = 'success' | 'fail19' | 'fail19-with-body' | 'fail19-without-status';

export type CashierReply =
  | { resultCode: string | number }
  | { fail: { error?: number; errorMessage?: string; resultCode?: string | number } }
  | { hang: true };

export type Cashier = (orderStr: string) => CashierReply | Promise<CashierReply>;

/** What my.getAuthCode answers: `success({ authCode, authSuccessScopes })` or `fail({ error, errorMessage })`. */
export type AuthCodeReply = { authCode: string } | { fail: { error: number; errorMessage: string } } | { hang: true };

/** A failure a test can hand to getAuthCode (the IDE without an appId, no network…). */
export const AUTH_CODE_FAILURE = { fail: { error: 12, errorMessage: 'getAuthCode failed' } } satisfies AuthCodeReply;

/** The Alipay user signed in on the fake phone unless a test says otherwise. */
export const DEFAULT_ALIPAY_USER = 'alipay-user-1';

/** Codes differ across fakes too, as Alipay's do (a restarted app on the same backend gets new ones). */
let authCodeSerial = 0;

/** A code as the fake hands out; the fake backend (fake-backend.ts) reads the user back from it. */
export function authCodeFor(alipayUser: string, serial: number): string {
  return `authcode-${serial}-${alipayUser}`;
}

/** The Alipay user a code of authCodeFor is for (what Alipay tells the backend), or null. */
export function alipayUserOf(authCode: string): string | null {
  const match = /^authcode-\d+-(.+)$/.exec(authCode);
  return match ? match[1] : null;
}

export interface Navigator {
  /** Each returns null on success, or the failure message. */
  navigateTo(url: string): string | null;
  redirectTo(url: string): string | null;
  reLaunch(url: string): string | null;
  navigateBack(delta: number): string | null;
}

/** What the runtime does for the fake when something covers the page (the cashier). */
export interface Lifecycle {
  /** onHide on the page on top now; the function returned shows it again (onShow). */
  coverPage(): () => void;
}

/** my.setStorageSync's limits (https://opendocs.alipay.com/mini/api/cog0du). */
export const STORAGE_LIMITS = { perKey: 200 * 1024, total: 10 * 1024 * 1024 };

export interface FakeMyOptions {
  language?: string;
  envVersion?: 'develop' | 'trial' | 'release' | 'gray';
  responder?: Responder;
  httpErrorDelivery?: HttpErrorDelivery;
  cashier?: Cashier;
  /** Picks an action sheet item: its index, or -1 for cancel. */
  actionSheet?: (items: string[]) => number;
  storage?: Record<string, unknown>;
  /** Who getAuthCode hands codes for (default DEFAULT_ALIPAY_USER); null: it fails (AUTH_CODE_FAILURE). */
  alipayUser?: string | null;
  /**
   * The code getAuthCode hands out for the user (default: a fresh one of authCodeFor). The
   * e2e tests use `sandbox:<user>`, which the real backend's Alipay stand-in maps to the same
   * buyer every time, as Alipay maps a user's codes.
   */
  codeForUser?: (alipayUser: string) => string;
}

export interface RecordedCall {
  api: string;
  args: Record<string, unknown>;
}

type Callbacks = {
  success?: (result: unknown) => void;
  fail?: (error: unknown) => void;
  complete?: (result: unknown) => void;
};

type Options = Record<string, unknown> & Callbacks;

const later = (run: () => void): void => {
  void Promise.resolve().then(run);
};

function withoutCallbacks(options: Options | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  Object.keys(options ?? {}).forEach((key) => {
    if (typeof (options as Options)[key] !== 'function') args[key] = (options as Options)[key];
  });
  return args;
}

function succeed(options: Options | undefined, result: unknown): void {
  later(() => {
    options?.success?.(result);
    options?.complete?.(result);
  });
}

function failWith(options: Options | undefined, error: unknown): void {
  later(() => {
    options?.fail?.(error);
    options?.complete?.(error);
  });
}

const HTTP_STATUS_ERROR = { error: 19, errorMessage: 'http status error' };

export class FakeMy {
  readonly calls: RecordedCall[] = [];
  readonly requests: FakeRequest[] = [];
  readonly tradePays: string[] = [];
  readonly storage = new Map<string, string>();
  /** Problems in the test setup itself (a responder that threw…). */
  readonly problems: unknown[] = [];
  language: string;
  envVersion: 'develop' | 'trial' | 'release' | 'gray';
  responder: Responder;
  httpErrorDelivery: HttpErrorDelivery;
  cashier: Cashier;
  actionSheet: (items: string[]) => number;
  navigator: Navigator | null = null;
  lifecycle: Lifecycle | null = null;
  /** Makes every setStorageSync fail as a full storage does: `{ success: false }`, nothing stored. */
  storageFull = false;
  /** The pull-down refresh indicator is showing (set by the runtime's pullDown, cleared by my.stopPullDownRefresh). */
  pullRefreshing = false;
  /** Who is signed in to Alipay: getAuthCode hands out a fresh code for them; null: it fails. */
  alipayUser: string | null;
  /** Answers for the next getAuthCode calls, first in first out, before the default. */
  readonly authCodeReplies: AuthCodeReply[] = [];
  /** Every code getAuthCode handed out. */
  readonly authCodes: string[] = [];
  codeForUser: (alipayUser: string) => string;
  /** The lifecycle hook the runtime is running right now (synchronously), e.g. 'onShow'. */
  runningHook: string | null = null;
  readonly my: Record<string, (...args: never[]) => unknown>;

  constructor(options: FakeMyOptions = {}) {
    this.language = options.language ?? 'en';
    this.envVersion = options.envVersion ?? 'develop';
    this.responder = options.responder ?? (() => ({ status: 404, body: { error: { code: 'not_found', message: 'no responder' } } }));
    this.httpErrorDelivery = options.httpErrorDelivery ?? 'success';
    this.cashier = options.cashier ?? (() => ({ resultCode: '9000' }));
    this.actionSheet = options.actionSheet ?? (() => -1);
    this.alipayUser = options.alipayUser === undefined ? DEFAULT_ALIPAY_USER : options.alipayUser;
    this.codeForUser = options.codeForUser ?? ((user) => authCodeFor(user, (authCodeSerial += 1)));
    Object.keys(options.storage ?? {}).forEach((key) => {
      this.storage.set(key, JSON.stringify((options.storage as Record<string, unknown>)[key]));
    });
    this.my = this.build();
  }

  callsTo(api: string): Record<string, unknown>[] {
    return this.calls.filter((call) => call.api === api).map((call) => call.args);
  }

  stored(key: string): unknown {
    const raw = this.storage.get(key);
    return raw === undefined ? null : JSON.parse(raw);
  }

  private record(api: string, options: unknown): void {
    this.calls.push({ api, args: withoutCallbacks(options as Options) });
  }

  private build(): Record<string, (...args: never[]) => unknown> {
    const fake: Record<string, (options?: Options) => unknown> = {
      request: (options) => this.request(options as Options),
      tradePay: (options) => this.tradePay(options as Options),
      getAuthCode: (options) => this.getAuthCode(options as Options),

      getStorageSync: (options) => {
        this.record('getStorageSync', options);
        const raw = this.storage.get(String(options?.key));
        return { data: raw === undefined ? null : JSON.parse(raw) };
      },
      setStorageSync: (options) => {
        this.record('setStorageSync', options);
        const key = String(options?.key);
        const text = JSON.stringify(options?.data);
        // Alipay reports a write that does not fit by its return value; it does not throw.
        if (this.storageFull || !this.fits(key, text)) return { success: false, errorMessage: 'storage limit exceeded' };
        // Storage keeps a copy, as the real one (serialized) does.
        this.storage.set(key, text);
        return { success: true };
      },
      removeStorageSync: (options) => {
        this.record('removeStorageSync', options);
        this.storage.delete(String(options?.key));
        return { success: true };
      },

      getSystemInfoSync: () => {
        this.record('getSystemInfoSync', {});
        return { app: 'alipay', language: this.language, platform: 'iOS', version: '10.6.0', windowWidth: 375, windowHeight: 812 };
      },
      getAccountInfoSync: () => {
        this.record('getAccountInfoSync', {});
        return { miniProgram: { appId: '2021000000000000', envVersion: this.envVersion, version: '' } };
      },

      showToast: (options) => {
        this.record('showToast', options);
        succeed(options, {});
      },
      showLoading: (options) => {
        this.record('showLoading', options);
        succeed(options, {});
      },
      hideLoading: (options) => {
        this.record('hideLoading', options);
        succeed(options, {});
      },
      setNavigationBar: (options) => {
        this.record('setNavigationBar', options);
        succeed(options, {});
      },
      stopPullDownRefresh: (options) => {
        this.record('stopPullDownRefresh', options);
        this.pullRefreshing = false;
        succeed(options, {});
      },
      showActionSheet: (options) => {
        this.record('showActionSheet', options);
        const items = Array.isArray(options?.items) ? (options?.items as string[]) : [];
        succeed(options, { index: this.actionSheet(items) });
      },

      navigateTo: (options) => this.navigate('navigateTo', options, (nav) => nav.navigateTo(String(options?.url))),
      redirectTo: (options) => this.navigate('redirectTo', options, (nav) => nav.redirectTo(String(options?.url))),
      reLaunch: (options) => this.navigate('reLaunch', options, (nav) => nav.reLaunch(String(options?.url))),
      navigateBack: (options) =>
        this.navigate('navigateBack', options, (nav) => nav.navigateBack(Number(options?.delta ?? 1) || 1)),
      switchTab: (options) => {
        this.record('switchTab', options);
        failWith(options, { error: 2, errorMessage: 'this mini app has no tabBar' });
      },
    };
    return fake as unknown as Record<string, (...args: never[]) => unknown>;
  }

  /** Within 200 KB for the key and 10 MB in all (sizes counted in UTF-16 units, near enough for tests). */
  private fits(key: string, text: string): boolean {
    if (key.length + text.length > STORAGE_LIMITS.perKey) return false;
    let total = key.length + text.length;
    this.storage.forEach((value, other) => {
      if (other !== key) total += other.length + value.length;
    });
    return total <= STORAGE_LIMITS.total;
  }

  private navigate(api: string, options: Options | undefined, go: (nav: Navigator) => string | null): void {
    this.record(api, options);
    // Alipay switches pages after the current task, not inside the call.
    later(() => {
      const problem = this.navigator ? go(this.navigator) : null;
      if (problem === null) {
        options?.success?.({});
        options?.complete?.({});
      } else {
        options?.fail?.({ error: 3, errorMessage: problem });
        options?.complete?.({ error: 3, errorMessage: problem });
      }
    });
  }

  private request(options: Options): { abort(): void } {
    this.record('request', options);
    const url = String(options.url);
    const parsed = new URL(url);
    const query: Record<string, string> = {};
    parsed.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    // Older base libraries read only `headers`: a `header` the app sends would never reach the server.
    const headers = { ...((options.headers ?? {}) as Record<string, string>) };
    let body: unknown = options.data;
    if (typeof options.data === 'string') {
      try {
        body = JSON.parse(options.data);
      } catch {
        body = options.data;
      }
    }
    const request: FakeRequest = {
      url,
      method: String(options.method ?? 'GET').toUpperCase(),
      path: parsed.pathname,
      query,
      headers,
      header: (name) => {
        const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
        return key === undefined ? undefined : headers[key];
      },
      data: options.data,
      body,
      dataType: String(options.dataType ?? 'json'),
      timeout: typeof options.timeout === 'number' ? options.timeout : undefined,
      aborted: false,
    };
    this.requests.push(request);

    void Promise.resolve()
      .then(() => this.responder(request))
      .then(
        (reply) => this.deliver(request, reply, options),
        (problem) => {
          this.problems.push(problem);
        },
      );
    return {
      abort: () => {
        request.aborted = true;
      },
    };
  }

  private deliver(request: FakeRequest, reply: FakeReply, options: Options): void {
    if (request.aborted) return;
    if ('hang' in reply) return;
    if ('networkError' in reply) {
      const error = reply.error ?? 12;
      failWith(options, { error, errorMessage: error === 12 ? 'network error' : 'request failed' });
      return;
    }
    if ('timeout' in reply) {
      setTimeout(() => {
        if (!request.aborted) failWith(options, { error: 13, errorMessage: 'request timeout' });
      }, request.timeout ?? 30000);
      return;
    }
    const text = reply.raw !== undefined ? reply.raw : reply.body === undefined ? '' : JSON.stringify(reply.body);
    let data: unknown = text;
    if (request.dataType === 'json') {
      try {
        data = text === '' ? '' : JSON.parse(text);
      } catch {
        failWith(options, { error: 14, errorMessage: 'JSON parse data error' });
        return;
      }
    }
    const response = { data, status: reply.status, statusCode: reply.status, headers: reply.headers ?? {}, header: reply.headers ?? {} };
    const delivery = reply.delivery ?? this.httpErrorDelivery;
    if (reply.status >= 400 && delivery !== 'success') {
      if (delivery === 'fail19') failWith(options, { ...HTTP_STATUS_ERROR });
      else if (delivery === 'fail19-without-status') failWith(options, { ...HTTP_STATUS_ERROR, data });
      else failWith(options, { ...HTTP_STATUS_ERROR, status: reply.status, data });
      return;
    }
    succeed(options, response);
  }

  /** A copy of what storage holds, for a later launch of the app (`storage` option). */
  storageSnapshot(): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    this.storage.forEach((raw, key) => {
      copy[key] = JSON.parse(raw);
    });
    return copy;
  }

  /**
   * Silent (auth_base) codes only: any other scope shows the shopper a consent dialog, and
   * Alipay asks not to call it from onShow (a closing dialog fires onShow again).
   */
  private getAuthCode(options: Options): void {
    this.record('getAuthCode', options);
    const scopes = options?.scopes ?? 'auth_base';
    const asked = Array.isArray(scopes) ? scopes : [scopes];
    if (asked.some((scope) => scope !== 'auth_base')) {
      this.problems.push(new Error(`my.getAuthCode asked for ${JSON.stringify(scopes)}: only auth_base is silent`));
    }
    if (this.runningHook === 'onShow') this.problems.push(new Error('my.getAuthCode called from onShow'));
    const reply = this.authCodeReplies.shift() ?? this.defaultAuthCode();
    if ('hang' in reply) return;
    if ('fail' in reply) {
      failWith(options, { ...reply.fail });
      return;
    }
    this.authCodes.push(reply.authCode);
    succeed(options, { authCode: reply.authCode, authSuccessScopes: ['auth_base'], authErrorScopes: {} });
  }

  private defaultAuthCode(): AuthCodeReply {
    return this.alipayUser === null ? AUTH_CODE_FAILURE : { authCode: this.codeForUser(this.alipayUser) };
  }

  /** The cashier covers the page (onHide) while it is open, and shows it again (onShow) before answering. */
  private tradePay(options: Options): void {
    this.record('tradePay', options);
    const orderStr = String(options.orderStr ?? options.tradeNO ?? '');
    this.tradePays.push(orderStr);
    let showPage = (): void => undefined;
    void Promise.resolve()
      .then(() => {
        if (this.lifecycle) showPage = this.lifecycle.coverPage();
        return this.cashier(orderStr);
      })
      .then(
        (reply) => {
          if ('hang' in reply) return;
          showPage();
          if ('fail' in reply) failWith(options, { ...reply.fail });
          else succeed(options, { resultCode: reply.resultCode });
        },
        (problem) => {
          this.problems.push(problem);
        },
      );
  }
}
