import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestsInProgress {
  count(): number;
  /** Resolves true once no request is in progress, or false when `deadlineMs` passes first. */
  drainedWithin(deadlineMs: number): Promise<boolean>;
}

/**
 * Counts the requests in progress on a server so that closing can wait for them and then
 * drop every connection left. Fastify's default only closes connections idle at the moment
 * it closes; a keep-alive client may also hold a connection it has not sent anything on
 * yet, which would keep `close()` waiting until the client gives up.
 *
 * A request is over when its answer closes, or when its connection does: Node emits no
 * 'close' for an answer queued behind another (pipelined) when the connection goes
 * (abortOutgoing in lib/_http_server.js destroys it before it has a socket).
 */
export function trackRequests(server: Server): RequestsInProgress {
  let inProgress = 0;
  let waiters: (() => void)[] = [];
  const perSocket = new WeakMap<Socket, number>();
  const over = (count: number) => {
    inProgress -= count;
    if (inProgress === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };
  server.on('request', (request, response) => {
    const socket = request.socket;
    // A request on a connection already closed (past MAX_PIPELINED_REQUESTS) is never handled.
    if (socket.destroyed) return;
    const open = perSocket.get(socket);
    if (open === undefined) {
      socket.once('close', () => {
        over(perSocket.get(socket) ?? 0);
        perSocket.delete(socket);
      });
    }
    perSocket.set(socket, (open ?? 0) + 1);
    inProgress += 1;
    response.once('close', () => {
      const left = perSocket.get(socket);
      if (left === undefined) return; // counted when the connection closed
      perSocket.set(socket, left - 1);
      over(1);
    });
  });
  const drained = () => (inProgress === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));
  return {
    count: () => inProgress,
    async drainedWithin(deadlineMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), deadlineMs);
      });
      try {
        return await Promise.race([drained().then(() => true), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Stops accepting, lets the requests in progress finish for at most `deadlineMs`
 * (SHUTDOWN_TIMEOUT_MS), then drops every connection left. What was committed stays; a
 * request cut short there is recovered at the next start as a crash's would be (an order left
 * `creating` fails, a refund left `pending` is held: services/recover-interrupted.ts).
 */
export async function closeGracefully(
  app: { close(): Promise<void>; server: Server; log: { warn(fields: object, message: string): void } },
  requests: RequestsInProgress,
  deadlineMs: number,
): Promise<void> {
  const closing = app.close();
  if (!(await requests.drainedWithin(deadlineMs))) {
    app.log.warn({ requests: requests.count() }, `requests still in progress after ${deadlineMs} ms (SHUTDOWN_TIMEOUT_MS): closing their connections`);
  }
  app.server.closeAllConnections();
  await closing;
}
