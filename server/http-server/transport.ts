import http from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import { clientErrorHandler } from './client-error';
import { requireHostHeader } from './host-header';
import { limitRequestsInProgress, type RequestHandler } from './pipelining';

/** What one connection may cost the server. */
export interface TransportLimits {
  /** How long a request's headers and body may take to arrive; 408 after. */
  requestTimeoutMs: number;
  /** Requests one connection may have in progress at once (pipelined); the connection is closed past it. */
  maxPipelinedRequests: number;
}

/** REQUEST_TIMEOUT_MS and MAX_PIPELINED_REQUESTS unset (the backend's config reads the same defaults). */
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = { requestTimeoutMs: 30_000, maxPipelinedRequests: 16 };

/** Fastify's default keepAliveTimeout, which it does not apply to a server from a serverFactory. */
const FASTIFY_KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * How often Node looks for requests past their timeout: Node's default is every 30 s, so a
 * 30 s timeout could take up to 60 s. At most 1 s, and at most half the timeout.
 */
export function connectionsCheckingInterval(requestTimeoutMs: number): number {
  return Math.max(1, Math.min(1000, Math.floor(requestTimeoutMs / 2)));
}

/**
 * Node's HTTP server with the limits: headers and body within requestTimeoutMs (headersTimeout
 * equal to it: Node requires it to be no more), requests in progress per connection. Fastify
 * ignores its own requestTimeout/keepAliveTimeout options when given a serverFactory, so they
 * are all set here.
 */
function createHttpServer(limits: TransportLimits, handler: RequestHandler): http.Server {
  return http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingInterval(limits.requestTimeoutMs),
      keepAliveTimeout: FASTIFY_KEEP_ALIVE_TIMEOUT_MS,
      requireHostHeader: false,
    },
    limitRequestsInProgress(requireHostHeader(handler), limits.maxPipelinedRequests),
  );
}

/**
 * The Fastify options that put the limits in place and answer transport errors (a request Node
 * cannot parse, headers over 16 KiB, a timeout) in the API's error shape. Shared by the backend
 * and the standalone sandbox.
 */
export function transportOptions(limits: TransportLimits): Pick<FastifyServerOptions, 'serverFactory' | 'clientErrorHandler'> {
  return {
    serverFactory: (handler) => createHttpServer(limits, handler),
    clientErrorHandler: clientErrorHandler(limits.requestTimeoutMs),
  };
}
