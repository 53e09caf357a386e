import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { DEFAULT_TRANSPORT_LIMITS, transportOptions } from '../http-server/transport';
import { resolveSandboxOptions, type SandboxOptions } from './options';
import { sandboxPlugin } from './plugin';

export interface StartSandboxOptions extends Partial<SandboxOptions> {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the sandbox is a development tool, not a public service. */
  host?: string;
  /** Log one line per request (method, url, status) and the notification attempts. */
  logger?: boolean;
  /** Where log lines go when `logger` is true (default: stdout). */
  logStream?: LogStream;
  /** How long a request's headers and body may take to arrive (408 after); default 30000, as the backend's. */
  requestTimeoutMs?: number;
  /** Requests one connection may have in progress; the connection is closed past it. Default 16, as the backend's. */
  maxPipelinedRequests?: number;
}

/** A destination for JSON log lines. */
export interface LogStream {
  write(line: string): void;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:4100, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Only method, url and status reach the log: bodies carry signatures and merchant data. */
function loggerOptions(stream: LogStream | undefined): FastifyServerOptions['logger'] {
  return {
    level: 'info',
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    ...(stream ? { stream } : {}),
  };
}

function urlHost(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * Runs the sandbox as its own HTTP server; with `databasePath`, on that SQLite file (see
 * SandboxOptions). Rejects with the listen error (e.g. EADDRINUSE) or a SandboxDatabaseError,
 * having closed everything it opened.
 */
export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const {
    port = 0,
    host = '127.0.0.1',
    logger = false,
    logStream,
    requestTimeoutMs = DEFAULT_TRANSPORT_LIMITS.requestTimeoutMs,
    maxPipelinedRequests = DEFAULT_TRANSPORT_LIMITS.maxPipelinedRequests,
    ...partial
  } = opts;
  const sandboxOptions = resolveSandboxOptions(partial);
  const app = Fastify({
    // The backend's transport: timeouts, requests per connection, and transport errors in the
    // `{"error": {"code", "message"}}` shape of the control API.
    ...transportOptions({ requestTimeoutMs, maxPipelinedRequests }),
    logger: logger ? loggerOptions(logStream) : false,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
  try {
    await app.register(sandboxPlugin, sandboxOptions);
    await app.listen({ port, host });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://${urlHost(address)}:${address.port}`,
    close: () => app.close(),
  };
}
