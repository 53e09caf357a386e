import type { Server } from 'node:http';

/**
 * Counts the requests in progress on a server so that closing can wait for them and then
 * drop every connection left. Fastify's default only closes connections idle at the moment
 * it closes; a keep-alive client may also hold a connection it has not sent anything on
 * yet, which would keep `close()` waiting until the client gives up.
 */
export function trackRequests(server: Server): { drained(): Promise<void> } {
  let inProgress = 0;
  let waiters: (() => void)[] = [];
  server.on('request', (_request, response) => {
    inProgress += 1;
    response.once('close', () => {
      inProgress -= 1;
      if (inProgress === 0) {
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve();
      }
    });
  });
  return {
    drained: () => (inProgress === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/**
 * Stops accepting, lets the requests in progress finish (Latipay calls are bounded by their
 * timeout; the in-process sandbox ends its delays on close), then drops every connection.
 */
export async function closeGracefully(
  app: { close(): Promise<void>; server: Server },
  requests: { drained(): Promise<void> },
): Promise<void> {
  const closing = app.close();
  await requests.drained();
  app.server.closeAllConnections();
  await closing;
}
