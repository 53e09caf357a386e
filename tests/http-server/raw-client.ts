/** Raw HTTP/1.1 over node:net, for what fetch cannot send: pipelining, malformed requests, slow clients. */
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** Every complete response received, in order. */
  responses: RawResponse[];
  /** The server ended or reset the connection (rather than our time limit). */
  closedByServer: boolean;
  /** From the first write to the connection's close. */
  ms: number;
}

const open = new Set<net.Socket>();

/** A connection to `url`'s host and port, closed by destroyAll() if a test leaves it open. */
export function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.once('error', reject);
  });
}

export function destroyAll(): void {
  for (const socket of open) socket.destroy();
  open.clear();
}

/** Complete responses at the start of `text` (Content-Length bodies only, as every answer here has). */
export function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return responses;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = end + 4;
    if (rest.length < bodyStart + length) return responses;
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(bodyStart, bodyStart + length) });
    rest = rest.slice(bodyStart + length);
  }
}

/**
 * Writes `payload` (a string, or parts written `gapMs` apart) and reads until the server
 * closes the connection or `limitMs` passes; the connection is always closed at the end.
 */
export async function exchange(url: string, payload: string | string[], limitMs: number, gapMs = 0): Promise<RawExchange> {
  const socket = await connect(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const timers = [setTimeout(() => socket.destroy(), limitMs)];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => {
      closedByServer = true;
      socket.destroy();
    });
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ responses: parseResponses(Buffer.concat(chunks).toString('latin1')), closedByServer, ms: performance.now() - started });
    });
    const parts = typeof payload === 'string' ? [payload] : payload;
    parts.forEach((part, i) => {
      if (i === 0) socket.write(part);
      else timers.push(setTimeout(() => !socket.destroyed && socket.write(part), i * gapMs));
    });
  });
}

/** One GET /healthz over a new connection: its latency in ms. */
export function healthzLatency(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/healthz`, { agent: false }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`healthz ${response.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** A GET as sent pipelined, with the headers every request needs. */
export function get(path: string, extraHeaders = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}\r\n`;
}
