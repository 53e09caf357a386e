/**
 * `npm run attack`: transport-level abuse replayed against `npm start`'s server (server/main.ts,
 * default settings) in a child process on a free port with a temporary database. Every
 * connection goes to 127.0.0.1 only; every scenario is bounded in count and time (the run takes
 * under a minute). Meanwhile another client asks for /healthz every ~50 ms and the server's
 * resident memory (VmRSS) is sampled; each scenario prints what got through, the worst /healthz
 * latency and the peak RSS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, startService, type Service } from './processes';

const HOST = '127.0.0.1';
const PROBE_EVERY_MS = 50;
const NAME_WIDTH = 56;
const PROBE_TIMEOUT_MS = 5000;
/** Longer than REQUEST_TIMEOUT_MS's default (30 s) plus Node's check interval. */
const SLOW_CLIENT_LIMIT_MS = 36_000;
/** SHUTDOWN_TIMEOUT_MS's default (10 s) plus a margin. */
const SHUTDOWN_LIMIT_MS = 15_000;
/** The attacker signs in as a shopper (the Alipay stand-in of npm start), so its requests reach the routes. */
let authorization = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- watching the server: /healthz from another client, and its memory ----

interface Window {
  probes: number;
  failed: number;
  worstMs: number;
  peakRssKiB: number;
}

/** Probes /healthz over a new connection each time, one after another, and samples VmRSS. */
class Monitor {
  private readonly open = new Set<Window>();
  private running = true;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly sampler: NodeJS.Timeout;
  private readonly loop: Promise<void>;

  constructor(
    private readonly port: number,
    private readonly pid: number,
  ) {
    this.sampler = setInterval(() => this.sampleRss(), PROBE_EVERY_MS);
    this.loop = this.probeLoop();
  }

  /** Figures from now until the returned close() (which waits for the probe in flight). */
  window(): { close(): Promise<Window> } {
    const window: Window = { probes: 0, failed: 0, worstMs: 0, peakRssKiB: 0 };
    this.open.add(window);
    this.sampleRss();
    return {
      close: async () => {
        await this.inFlight;
        this.open.delete(window);
        return window;
      },
    };
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.sampler);
    await this.loop;
  }

  private sampleRss(): void {
    let kib = 0;
    try {
      kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return; // the process has exited
    }
    for (const window of this.open) window.peakRssKiB = Math.max(window.peakRssKiB, kib);
  }

  private async probeLoop(): Promise<void> {
    while (this.running) {
      this.inFlight = this.probe().then(({ ms, ok }) => {
        for (const window of this.open) {
          window.probes += 1;
          if (!ok) window.failed += 1;
          window.worstMs = Math.max(window.worstMs, ms);
        }
      });
      await this.inFlight;
      await sleep(PROBE_EVERY_MS);
    }
  }

  private probe(): Promise<{ ms: number; ok: boolean }> {
    const started = performance.now();
    return new Promise((resolve) => {
      const done = (ok: boolean) => resolve({ ms: performance.now() - started, ok });
      const request = http.get({ host: HOST, port: this.port, path: '/healthz', agent: false, timeout: PROBE_TIMEOUT_MS }, (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode === 200));
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => done(false));
    });
  }
}

// ---- raw connections ----

interface Exchange {
  statuses: number[];
  /** The `error.code` of each JSON error answer. */
  codes: string[];
  /** The server closed the connection (FIN or reset) before we gave up. */
  closedByServer: boolean;
  ms: number;
}

function parseAnswers(text: string): { statuses: number[]; codes: string[] } {
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  const codes = [...text.matchAll(/"error":\{"code":"([a-z_]+)"/g)].map((m) => m[1]);
  return { statuses, codes };
}

/** Writes `payload` in one write (or through `drip`), reads every answer until the server closes or `limitMs` passes. */
function exchange(port: number, payload: string, limitMs: number, drip?: (socket: net.Socket) => () => void): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, HOST);
    const chunks: Buffer[] = [];
    let stopDrip = () => {};
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), limitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearTimeout(timer);
      stopDrip();
      resolve({ ...parseAnswers(Buffer.concat(chunks).toString('latin1')), closedByServer, ms: performance.now() - started });
    });
    socket.on('connect', () => {
      if (drip) stopDrip = drip(socket);
      else socket.write(payload);
    });
  });
}

/** Each flood is sent this many times, ROUND_GAP_MS apart, so that the /healthz probes overlap it. */
const FLOOD_ROUNDS = 5;
const ROUND_GAP_MS = 250;

async function pipelinedFlood(port: number, connections: number): Promise<string> {
  const results: Exchange[] = [];
  for (let round = 0; round < FLOOD_ROUNDS; round++) {
    results.push(...(await Promise.all(Array.from({ length: connections }, () => exchange(port, getOrders().repeat(1000), 5000)))));
    await sleep(ROUND_GAP_MS);
  }
  return describeExchanges(results);
}

function getOrders(): string {
  return `GET /api/orders HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: ${authorization}\r\n\r\n`;
}

/** Requests a never-reading client writes on one connection at most (in batches of 100). */
const NEVER_READ_REQUESTS = 5000;

/**
 * A client that writes pipelined requests as fast as its connection takes them (up to
 * NEVER_READ_REQUESTS, then one every 100 ms) and never reads an answer; when the server closes
 * the connection, it opens another, until `durationMs`. A socket that never reads learns of the
 * server's close only when it writes, hence the trickle.
 */
async function neverReading(port: number, durationMs: number): Promise<{ written: number; connections: number; closedByServer: number }> {
  const batch = getOrders().repeat(100);
  const until = performance.now() + durationMs;
  const totals = { written: 0, connections: 0, closedByServer: 0 };
  while (performance.now() < until) {
    totals.connections += 1;
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, HOST);
      socket.pause();
      // One batch per turn of the event loop, so that this process's /healthz probes keep running.
      let written = 0;
      const write = () => {
        if (socket.destroyed) return;
        const part = written < NEVER_READ_REQUESTS ? batch : getOrders();
        const count = part === batch ? 100 : 1;
        written += count;
        totals.written += count;
        if (!socket.write(part)) return; // wait for 'drain'
        if (part === batch) setImmediate(write);
        else setTimeout(write, 100);
      };
      const timer = setTimeout(() => socket.destroy(), until - performance.now());
      socket.on('connect', write);
      socket.on('drain', write);
      let closedByServer = false;
      socket.on('end', () => (closedByServer = true));
      socket.on('error', () => (closedByServer = true));
      socket.on('close', () => {
        clearTimeout(timer);
        if (closedByServer) totals.closedByServer += 1;
        resolve();
      });
    });
  }
  return totals;
}

/** Sends `text` one byte a second (headers that never finish in time). */
function trickle(text: string) {
  return (socket: net.Socket) => {
    let at = 0;
    const timer = setInterval(() => {
      if (at < text.length && !socket.destroyed) socket.write(text[at++]);
    }, 1000);
    return () => clearInterval(timer);
  };
}

/** A notification's headers, then a body that stops half way and never ends (the route reads the body first). */
function unfinishedBody(socket: net.Socket): () => void {
  socket.write(
    `POST /api/latipay/notify HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      'Content-Length: 100\r\n\r\nmerchant_reference=M',
  );
  return () => {};
}

// ---- the report ----

function counts(values: (number | string)[]): string {
  if (values.length === 0) return 'no answer';
  const tally = new Map<number | string, number>();
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
  return [...tally].map(([value, n]) => `${value}×${n}`).join(' ');
}

function row(name: string, outcome: string, window: Window): void {
  const probes = `${Math.round(window.worstMs)} ms${window.failed ? ` (${window.failed}/${window.probes} probes failed)` : ` (${window.probes} probes)`}`;
  const rss = `${Math.round(window.peakRssKiB / 1024)} MiB`;
  console.log(`${name.padEnd(NAME_WIDTH)} ${outcome.padEnd(58)} ${probes.padEnd(26)} ${rss}`);
}

async function scenario(monitor: Monitor, name: string, run: () => Promise<string>): Promise<void> {
  const window = monitor.window();
  const outcome = await run();
  row(name, outcome, await window.close());
}

function describeExchanges(results: Exchange[]): string {
  const closed = results.filter((r) => r.closedByServer).length;
  const codes = results.flatMap((r) => r.codes);
  return `${counts(results.flatMap((r) => r.statuses))}${codes.length ? ` [${counts(codes)}]` : ''}; closed by server ${closed}/${results.length}`;
}

const MALFORMED: [string, string][] = [
  ['control character in a header', `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nX-A: a\x01b\r\n\r\n`],
  ['NUL in a header', `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nX-A: a\x00b\r\n\r\n`],
  ['Content-Length with Transfer-Encoding', `POST /api/orders HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['garbage request line', 'HELLO THERE\r\n\r\n'],
  ['headers over 16 KiB (×1.1)', `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nX-Big: ${'a'.repeat(18_000)}\r\n\r\n`],
  ['HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\n\r\n'],
];

async function orderFlood(url: string): Promise<string> {
  const result = await autocannon({
    url: `${url}/api/orders`,
    method: 'POST',
    connections: 32,
    duration: 4,
    workers: 1,
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ productId: 'test-item', quantity: 1 }),
  });
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => `${status}×${count}`);
  return `${statuses.join(' ') || 'no answer'}; ${result.errors} errors, ${result.timeouts} timeouts`;
}

/** SIGTERM while one request is stuck uploading its body: how long until the process is gone. */
async function shutdown(service: Service, port: number): Promise<string> {
  const stuck = exchange(port, '', SHUTDOWN_LIMIT_MS + 5000, unfinishedBody);
  await sleep(300);
  const started = performance.now();
  const exited = await Promise.race([service.stop().then(() => true), sleep(SHUTDOWN_LIMIT_MS).then(() => false)]);
  const ms = Math.round(performance.now() - started);
  if (!exited) process.kill(service.pid, 'SIGKILL');
  const upload = await stuck;
  return exited ? `exited ${ms} ms after SIGTERM; stuck upload got ${counts(upload.statuses)}` : `still running ${ms} ms after SIGTERM: killed`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-attack-'));
  const port = await freePort();
  const service = await startService('main.ts', { PORT: String(port), HOST, DATABASE_PATH: join(dir, 'shop.sqlite') }, port, '/healthz');
  const url = service.url;
  const session = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authCode: 'sandbox:attacker' }),
  });
  authorization = `Bearer ${((await session.json()) as { token: string }).token}`;
  const monitor = new Monitor(port, service.pid);
  try {
    console.log(`npm run attack: npm start's server (pid ${service.pid}, default settings) at ${url}`);
    console.log(`${'scenario'.padEnd(NAME_WIDTH)} ${'what got through'.padEnd(58)} ${'worst /healthz'.padEnd(26)} peak RSS`);

    // Slow clients run in the background from the start: their timeout is the longest.
    const slowWindow = monitor.window();
    const slowHeaders = `GET /api/products HTTP/1.1\r\nHost: ${HOST}\r\nX-Padding: ${'p'.repeat(60)}\r\n\r\n`;
    const slow = Promise.all([
      ...Array.from({ length: 4 }, () => exchange(port, '', SLOW_CLIENT_LIMIT_MS, trickle(slowHeaders))),
      ...Array.from({ length: 4 }, () => exchange(port, '', SLOW_CLIENT_LIMIT_MS, unfinishedBody)),
    ]);

    await scenario(monitor, 'baseline (probes only, 1 s)', async () => {
      await sleep(1000);
      return '-';
    });
    await scenario(monitor, `1,000 pipelined GETs in one write, 1 conn ×${FLOOD_ROUNDS}`, () => pipelinedFlood(port, 1));
    await scenario(monitor, `1,000 pipelined GETs in one write, 4 conns ×${FLOOD_ROUNDS}`, () => pipelinedFlood(port, 4));
    await scenario(monitor, '8 clients writing, never reading (3 s)', async () => {
      const clients = await Promise.all(Array.from({ length: 8 }, () => neverReading(port, 3000)));
      const sum = (key: 'written' | 'connections' | 'closedByServer') => clients.reduce((total, c) => total + c[key], 0);
      return `${sum('written')} requests written on ${sum('connections')} connections; closed by server ${sum('closedByServer')}`;
    });
    for (const [name, payload] of MALFORMED) {
      await scenario(monitor, `bad request: ${name} ×10`, async () =>
        describeExchanges(await Promise.all(Array.from({ length: 10 }, () => exchange(port, payload, 3000)))),
      );
    }
    await scenario(monitor, 'autocannon POST /api/orders, 32 conns, 4 s', () => orderFlood(url));

    const slowResults = await slow;
    const closedAfter = slowResults.map((r) => Math.round(r.ms / 1000));
    row(
      'slow: 4 headers at 1 B/s, 4 bodies unfinished',
      `${describeExchanges(slowResults)}; after ${Math.min(...closedAfter)}–${Math.max(...closedAfter)} s`,
      await slowWindow.close(),
    );
    // /healthz cannot answer once the server stops listening: no probes from here on.
    await monitor.stop();
    console.log(`${'SIGTERM with an upload stuck'.padEnd(NAME_WIDTH)} ${await shutdown(service, port)}`);
  } finally {
    await monitor.stop();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
