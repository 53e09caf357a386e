import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One query (GET /v2/transaction/{ref}) that went through the proxy. */
export interface SeenQuery {
  reference: string;
  /** Date.now() when it arrived and when its answer went back. */
  at: number;
  doneAt: number;
}

export interface LatipayProxy {
  url: string;
  queries: SeenQuery[];
  /** The most queries about one reference that were in progress at the same time. */
  maxConcurrentPerReference(): number;
  close(): Promise<void>;
}

const QUERY = /^\/v2\/transaction\/([^/?]+)/;

/**
 * A pass-through in front of a Latipay sandbox that sees what the backend asks: every query's
 * reference and times, and how many queries about one reference overlap. `queryDelayMs` holds
 * each query before passing it on, which widens any overlap two instances could make.
 */
export async function startLatipayProxy(target: string, queryDelayMs = 0): Promise<LatipayProxy> {
  const queries: SeenQuery[] = [];
  const inProgress = new Map<string, number>();
  let maxConcurrent = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const match = QUERY.exec(request.url ?? '');
    const reference = match ? decodeURIComponent(match[1]) : null;
    const at = Date.now();
    if (reference !== null) {
      const now = (inProgress.get(reference) ?? 0) + 1;
      inProgress.set(reference, now);
      maxConcurrent = Math.max(maxConcurrent, now);
    }
    const forward = () => {
      const upstream = http.request(
        `${target}${request.url}`,
        { method: request.method, headers: { ...request.headers, host: new URL(target).host }, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', () => {
            if (reference === null) return;
            inProgress.set(reference, (inProgress.get(reference) ?? 1) - 1);
            queries.push({ reference, at, doneAt: Date.now() });
          });
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    };
    if (reference !== null && queryDelayMs > 0) setTimeout(forward, queryDelayMs);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    maxConcurrentPerReference: () => maxConcurrent,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** The most queries that arrived within any window of `windowMs`. */
export function maxInWindow(queries: SeenQuery[], windowMs: number): number {
  const times = queries.map((query) => query.at).sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
