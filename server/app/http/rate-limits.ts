import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';
import type { CounterStore } from '../store/counters';

export const MINUTE_MS = 60_000;

/** @fastify/rate-limit's store interface, over the app's CounterStore (so all limits share one store). */
function storeOver(counters: CounterStore) {
  return class CounterStoreAdapter {
    // The plugin calls incr(key, callback, timeWindow, max); its types list the first two only.
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number): void {
      counters.hit(key, timeWindow ?? MINUTE_MS).then(
        ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
        (err: Error) => callback(err),
      );
    }

    child(): CounterStoreAdapter {
      return this;
    }
  };
}

/** @fastify/rate-limit with no limit of its own (routes pick theirs with requestLimit()), counting in `counters`. */
export function rateLimitOptions(counters: CounterStore): RateLimitPluginOptions {
  return { global: false, store: storeOver(counters) };
}

function rateLimited(retryAfterS: number, what: string): HttpError {
  return new HttpError(429, 'rate_limited', `too many ${what}; retry in ${retryAfterS} s`);
}

/** Which limit refused each request answered 429, for the metrics (metrics/http-metrics.ts). */
const refusals = new WeakMap<FastifyRequest, string>();

/** The name of the limit that refused the request, if one did. */
export function refusedBy(request: FastifyRequest): string | undefined {
  return refusals.get(request);
}

/** Answers 429 with Retry-After; `limit` names the limit in the metrics. */
export function refuse(reply: FastifyReply, retryAfterMs: number, what: string, limit = 'other'): never {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  refusals.set(reply.request, limit);
  void reply.header('retry-after', String(seconds));
  throw rateLimited(seconds, what);
}

export interface RequestLimit {
  /** Requests allowed per window and key; 0: no limit. */
  max: number;
  windowMs: number;
  /** Names the limit in its keys. */
  name: string;
  /** What is counted, for the 429 message: "orders from this address". */
  what: string;
  /** The key a request counts against, or null when this limit does not apply to it. */
  key: (request: FastifyRequest) => string | null;
}

export interface Limiter {
  /** Counts the request; answers 429 (Retry-After) once its key is over the limit. A hook, or called on chosen requests. */
  enforce(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts the request without refusing it. */
  count(request: FastifyRequest): Promise<void>;
}

/** A limit of max requests per window and key, counted through @fastify/rate-limit. */
export function requestLimit(app: FastifyInstance, limit: RequestLimit): Limiter {
  if (limit.max === 0) return { enforce: async () => undefined, count: async () => undefined };
  const check = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => `${limit.name}:${limit.key(request)}`,
  });
  return {
    async enforce(request, reply) {
      if (limit.key(request) === null) return;
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) refuse(reply, result.ttl, limit.what, limit.name);
    },
    async count(request) {
      if (limit.key(request) !== null) await check(request);
    },
  };
}
