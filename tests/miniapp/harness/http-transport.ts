/**
 * my.request over real HTTP: a Responder for the fake `my` that sends each request the mini
 * app makes to its configured base URL on to a real server (`target`, which a test may
 * change, e.g. from a closed port to the backend), and translates the outcome into
 * Alipay's semantics: any HTTP answer, 4xx/5xx included, is an answer (delivered to
 * `success`, or as error 19 as `errorDelivery` says: Alipay does either); no connection is
 * error 12; no answer within the request's timeout is error 13.
 *
 * A test can hold the next matching request before it is sent (`hold`), to look at the
 * page while it waits and to decide what the server knows by the time it arrives.
 */
import type { FakeReply, FakeRequest, HttpErrorDelivery, Responder } from './fake-my';

export interface Exchange {
  method: string;
  /** Path and query, without the base URL. */
  path: string;
  /** Where it was sent. */
  url: string;
  /** The HTTP status, or the Alipay error number when there was no answer. */
  outcome: { status: number } | { error: number };
}

export interface Hold {
  /** Resolves with the request once it has arrived (and is waiting). */
  reached: Promise<FakeRequest>;
  /** Lets it go on to the server. */
  release(): void;
}

interface PendingHold {
  method: string;
  path: RegExp;
  arrive: (request: FakeRequest) => void;
  gate: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30000;

export class HttpTransport {
  /** Where requests go now, e.g. http://127.0.0.1:41234. */
  target: string;
  /** How the mini app receives a 4xx/5xx answer (a test may change it at any time). */
  errorDelivery: HttpErrorDelivery;
  readonly exchanges: Exchange[] = [];
  private readonly holds: PendingHold[] = [];
  private readonly releases: Array<() => void> = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  /** `baseUrl`: the base URL the mini app is configured with (config/env.ts). */
  constructor(
    readonly baseUrl: string,
    target: string,
    errorDelivery: HttpErrorDelivery = 'success',
  ) {
    this.target = target;
    this.errorDelivery = errorDelivery;
  }

  /** The next request for `method` whose path (with query) matches waits until released. */
  hold(method: string, path: RegExp): Hold {
    let arrive: (request: FakeRequest) => void = () => undefined;
    let release: () => void = () => undefined;
    const reached = new Promise<FakeRequest>((resolve) => {
      arrive = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ method: method.toUpperCase(), path, arrive, gate });
    this.releases.push(release);
    return { reached, release };
  }

  /** Lets every held request go and holds no more (a test that failed half-way must still end). */
  releaseAll(): void {
    this.holds.splice(0);
    this.releases.splice(0).forEach((release) => release());
  }

  /** Resolves once no request is on its way (held ones count as on their way). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The exchanges for `method` whose path matches. */
  to(method: string, path: RegExp): Exchange[] {
    return this.exchanges.filter((e) => e.method === method.toUpperCase() && path.test(e.path));
  }

  readonly responder: Responder = async (request) => {
    this.inFlight += 1;
    try {
      return await this.forward(request);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  };

  private async forward(request: FakeRequest): Promise<FakeReply> {
    if (!request.url.startsWith(this.baseUrl)) {
      throw new Error(`the mini app called ${request.url}, not its base URL ${this.baseUrl}`);
    }
    if (request.data !== undefined && typeof request.data !== 'string') {
      throw new Error(`the mini app sent ${request.method} ${request.url} with data that is not a JSON string`);
    }
    const path = request.url.slice(this.baseUrl.length);
    const held = this.holds.findIndex((h) => h.method === request.method && h.path.test(path));
    if (held >= 0) {
      const [hold] = this.holds.splice(held, 1);
      hold.arrive(request);
      await hold.gate;
    }
    const url = this.target + path;
    const record = (outcome: Exchange['outcome']) => this.exchanges.push({ method: request.method, path, url, outcome });
    const signal = AbortSignal.timeout(request.timeout ?? DEFAULT_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.data as string | undefined,
        signal,
      });
      const raw = await response.text();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      record({ status: response.status });
      return { status: response.status, raw, headers, delivery: this.errorDelivery };
    } catch {
      const error = signal.aborted ? 13 : 12;
      record({ error });
      return { networkError: true, error };
    }
  }
}
