/**
 * A stand-in for the load balancer in front of several backend instances: round robin over
 * them on 127.0.0.1, and, like a load balancer's health check, a backend that refuses the
 * connection is skipped for the next. A request whose backend dies while answering gets 502
 * (the sender, e.g. Latipay's notifier, retries).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  /** How many requests each backend answered (by index in `backends`, which may be filled after the start). */
  answered: number[];
  close(): Promise<void>;
}

export async function startLoadBalancer(backends: string[]): Promise<LoadBalancer> {
  let next = 0;
  const answered: number[] = [];

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, tried: number): void => {
    if (tried >= backends.length) {
      res.writeHead(502).end('no backend');
      return;
    }
    const index = next++ % backends.length;
    const target = new URL(req.url ?? '/', backends[index]);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      answered[index] = (answered[index] ?? 0) + 1;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && !res.headersSent) forward(req, body, res, tried + 1);
      else if (!res.headersSent) res.writeHead(502).end('backend failed');
      else res.destroy();
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
