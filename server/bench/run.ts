/**
 * `npm run bench`: what one merchant server holds, measured beside the floor in the same run.
 * Everything runs on this machine over loopback; Latipay is the sandbox in its own process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { SANDBOX_DEV_CREDENTIALS } from '../sandbox';
import type { ProductsResponse, SessionResponse } from '../contract';
import { percentile, runLoad, type LoadFigures } from './load';
import { checkIngest, notificationBurst, pendingOrders, type IngestCheck } from './notifications';
import { MINI_APP_ROOT, measurePackage, type PackageSize } from './package-size';
import { freePort, startService, type Service } from './processes';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
/** Creation rounds per server and concurrency, alternating with the floor's. */
const ROUNDS = 4;
const CONCURRENCY = [1, 16, 128];
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 10000);
const INGEST_WARMUP = 2000;
/** BENCH_PROFILE=1: the merchant server writes a CPU profile to server/bench/results/ when it stops. */
const PROFILE_ARGS = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir', resolve(__dirname, 'results')] : [];

interface CreationRow {
  connections: number;
  floor: CpuFigures;
  ours: CpuFigures;
  /** Each round's own figures, in the order they ran within each server. */
  rounds: { floor: CpuFigures[]; ours: CpuFigures[] };
  rpsRatio: number;
  p99Ratio: number;
}

interface Report {
  machine: { cpus: string; cores: number; memoryGiB: number; node: string; at: string };
  creation: CreationRow[];
  ingest: LoadFigures & { check: IngestCheck; sent: number; warmUp: { sent: number; check: IngestCheck } };
  reads: LoadFigures;
  peakRssBytes: number;
  packageSize: PackageSize;
}

const credentials = {
  LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
  LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
  LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
};

/** The load's figures plus the CPU time the service spent per request. */
async function withCpu(service: Service, load: () => Promise<LoadFigures>): Promise<CpuFigures> {
  const before = service.cpuMs();
  const figures = await load();
  const cpuMsPerRequest = Math.round(((service.cpuMs() - before) / Math.max(figures.requests, 1)) * 1000) / 1000;
  return { ...figures, cpuMsPerRequest };
}

/**
 * Sends every body once, 32 at a time. autocannon notices that `amount` is reached only on its
 * one-second tick, so the rate is taken from the first request to the last answer instead.
 */
async function notifyBurst(serverUrl: string, bodies: string[]): Promise<LoadFigures> {
  let next = 0;
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const figures = await runLoad({
    url: `${serverUrl}/api/latipay/notify`,
    connections: 32,
    amount: bodies.length,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        onResponse: () => {
          lastAnswerAt = performance.now();
        },
      },
    ],
  });
  return { ...figures, requestsPerSecond: Math.round(figures.requests / ((lastAnswerAt - startedAt) / 1000)) };
}

type CpuFigures = LoadFigures & { cpuMsPerRequest: number };

/**
 * Rounds of equal duration as one: requests and errors added up, requests/s averaged, and
 * p50/p99 taken over every answer of every round.
 */
function combine(rounds: CpuFigures[], latenciesMs: number[]): CpuFigures {
  const requests = rounds.reduce((sum, f) => sum + f.requests, 0);
  const cpuMs = rounds.reduce((sum, f) => sum + f.cpuMsPerRequest * f.requests, 0);
  return {
    requests,
    requestsPerSecond: Math.round(rounds.reduce((sum, f) => sum + f.requestsPerSecond, 0) / rounds.length),
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    errors: rounds.reduce((sum, f) => sum + f.errors, 0),
    cpuMsPerRequest: Math.round((cpuMs / Math.max(requests, 1)) * 1000) / 1000,
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 100) / 100;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  const databasePath = join(work, 'bench.sqlite');
  const [sandboxPort, serverPort, floorPort] = [await freePort(), await freePort(), await freePort()];

  const sandbox = await startService('sandbox/main.ts', { ...credentials, SANDBOX_PORT: String(sandboxPort), SANDBOX_RETRY_MS: '60000', SANDBOX_DATABASE_PATH: ':memory:' }, sandboxPort, '/sandbox/stats');
  const upstream = { ...credentials, LATIPAY_BASE_URL: sandbox.url };
  // The abuse limits stay on, so their cost shows in the figures, but high enough to refuse none of
  // the load: every order comes from one address and one buyer.
  const limits = { RATE_LIMIT_ORDERS_PER_IP: '1000000', RATE_LIMIT_ORDERS_PER_BUYER: '1000000' };
  const server = await startService(
    'main.ts',
    { ...upstream, ...limits, PORT: String(serverPort), DATABASE_PATH: databasePath, LOG_LEVEL: 'info' },
    serverPort,
    '/healthz',
    PROFILE_ARGS,
  );
  const floor = await startService('bench/floor-server.ts', { ...upstream, PORT: String(floorPort) }, floorPort, '/healthz');

  try {
    const { products } = (await (await fetch(`${server.url}/api/products`)).json()) as ProductsResponse;
    // One shopper, signed in through the in-process Alipay stand-in (the floor ignores the header).
    const session = (await (
      await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ authCode: 'sandbox:bench-buyer' }),
      })
    ).json()) as SessionResponse;
    const authorization = `Bearer ${session.token}`;
    const create = (url: string, connections: number, duration = DURATION_S, latenciesMs?: number[]) =>
      runLoad({
        url: `${url}/api/orders`,
        method: 'POST',
        connections,
        duration,
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ productId: products[0].id, quantity: 1 }),
      }, latenciesMs);

    console.log('warming up…');
    await create(floor.url, 16, 2);
    await create(server.url, 16, 2);

    const creation: CreationRow[] = [];
    for (const connections of CONCURRENCY) {
      console.log(`order creation, ${connections} connections…`);
      // Floor, ours, ours, floor, floor, ours...: this machine's speed drifts by 10-20% over
      // tens of seconds, and short alternating rounds make the drift weigh on both alike.
      const floorRounds: CpuFigures[] = [];
      const ourRounds: CpuFigures[] = [];
      const [floorLatencies, ourLatencies]: number[][] = [[], []];
      const floorRound = async () =>
        floorRounds.push(await withCpu(floor, () => create(floor.url, connections, DURATION_S, floorLatencies)));
      const ourRound = async () =>
        ourRounds.push(await withCpu(server, () => create(server.url, connections, DURATION_S, ourLatencies)));
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) await floorRound().then(ourRound);
        else await ourRound().then(floorRound);
      }
      const [floorFigures, ours] = [combine(floorRounds, floorLatencies), combine(ourRounds, ourLatencies)];
      creation.push({
        connections,
        floor: floorFigures,
        ours,
        rounds: { floor: floorRounds, ours: ourRounds },
        rpsRatio: ratio(ours.requestsPerSecond, floorFigures.requestsPerSecond),
        p99Ratio: ratio(ours.p99Ms, floorFigures.p99Ms),
      });
    }

    console.log('notification ingest…');
    // The route is warmed up first, as creation is, on orders that are not measured.
    const [warmOrders, orders] = ((all) => [all.slice(0, INGEST_WARMUP), all.slice(INGEST_WARMUP)])(
      pendingOrders(databasePath, INGEST_WARMUP + NOTIFICATIONS),
    );
    const warmBodies = notificationBurst(warmOrders, SANDBOX_DEV_CREDENTIALS.apiKey, 0.2);
    await notifyBurst(server.url, warmBodies);
    const bodies = notificationBurst(orders, SANDBOX_DEV_CREDENTIALS.apiKey, 0.2);
    const ingest = {
      ...(await notifyBurst(server.url, bodies)),
      sent: bodies.length,
      check: checkIngest(databasePath, orders),
      warmUp: { sent: warmBodies.length, check: checkIngest(databasePath, warmOrders) },
    };

    console.log('order reads…');
    let read = 0;
    const reads = await runLoad({
      url: server.url,
      connections: 64,
      duration: DURATION_S,
      headers: { authorization },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/orders/${orders[read++ % orders.length].merchantReference}` }) }],
    });

    const report: Report = {
      machine: {
        cpus: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        at: new Date().toISOString(),
      },
      creation,
      ingest,
      reads,
      peakRssBytes: server.peakRssBytes(),
      packageSize: measurePackage(MINI_APP_ROOT),
    };
    printReport(report);
    const resultsDir = resolve(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `bench-${report.machine.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwritten to ${file}`);
  } finally {
    await Promise.all([floor.stop(), server.stop(), sandbox.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

function printReport(r: Report): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`\nmachine: ${r.machine.cores} × ${r.machine.cpus}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}`);
  console.log('\norder creation (POST /api/orders)');
  console.table(
    r.creation.map((row) => ({
      connections: row.connections,
      'floor req/s': row.floor.requestsPerSecond,
      'ours req/s': row.ours.requestsPerSecond,
      'req/s vs floor': row.rpsRatio,
      'floor p50/p99 ms': `${row.floor.p50Ms}/${row.floor.p99Ms}`,
      'ours p50/p99 ms': `${row.ours.p50Ms}/${row.ours.p99Ms}`,
      'p99 vs floor': row.p99Ratio,
      'CPU ms/req floor/ours': `${row.floor.cpuMsPerRequest}/${row.ours.cpuMsPerRequest}`,
      'errors floor/ours': `${row.floor.errors}/${row.ours.errors}`,
    })),
  );
  const c = r.ingest.check;
  console.log('\nnotification ingest (POST /api/latipay/notify, 20% duplicates)');
  console.table([
    {
      sent: r.ingest.sent,
      'notifications/s': r.ingest.requestsPerSecond,
      'p99 ms': r.ingest.p99Ms,
      errors: r.ingest.errors,
      orders: c.orders,
      paid: c.paid,
      lost: c.lost,
      'applied twice': c.appliedTwice,
      stored: c.stored,
    },
  ]);
  const w = r.ingest.warmUp;
  console.log(`warm-up before it: ${w.sent} notifications for ${w.check.orders} other orders, ${w.check.lost} lost, ${w.check.appliedTwice} applied twice`);
  console.log('\norder reads (GET /api/orders/{ref})');
  console.table([{ 'req/s': r.reads.requestsPerSecond, 'p50 ms': r.reads.p50Ms, 'p99 ms': r.reads.p99Ms, errors: r.reads.errors }]);
  console.log(`\nserver peak RSS: ${(r.peakRssBytes / 2 ** 20).toFixed(1)} MiB`);
  const p = r.packageSize;
  console.log(`mini app package: ${kb(p.totalBytes)} (own ${kb(p.ownBytes)}, antd-mini and what it imports ${kb(p.libraryBytes)}, ${p.files} files) of ${kb(p.limitBytes)} allowed`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
