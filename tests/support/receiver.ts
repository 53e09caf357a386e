import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got, body read in full. */
export interface ReceivedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as application/x-www-form-urlencoded ({} for other content types). */
  form: Record<string, string>;
}

export interface ReceiverAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Decides the answer to the `index`-th request (0-based). May never resolve (a hung server). */
export type Responder = (request: ReceivedRequest, index: number) => ReceiverAnswer | Promise<ReceiverAnswer>;

export interface Receiver {
  /** e.g. http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** Every request received, in arrival order. */
  requests: ReceivedRequest[];
  /** Replaces the responder for the following requests. */
  respondWith(responder: Responder): void;
  /** Stops listening and drops open connections (also those of a hung responder). */
  close(): Promise<void>;
}

/** Answers 200 with the body `sent`: what a Latipay callback must answer once it is done. */
export const answerSent: Responder = () => ({ status: 200, body: 'sent' });

/** A real HTTP server on 127.0.0.1 and a free port that records what it receives. */
export async function startReceiver(responder: Responder = answerSent): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let respond = responder;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        form: isForm ? Object.fromEntries(new URLSearchParams(body)) : {},
      };
      const index = requests.push(received) - 1;
      Promise.resolve(respond(received, index)).then(
        (answer) => {
          res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
          res.end(answer.body);
        },
        () => {
          res.writeHead(500);
          res.end('responder failed');
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL where nothing listens: a port that was free a moment ago. */
export async function unusedLocalUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
