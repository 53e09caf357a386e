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
import { postgresDatabase, sqliteDatabase, type BenchDatabase } from './bench-database';
import { startCluster } from '../../scripts/postgres-cluster';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
/** Creation rounds per server and concurrency, alternating with the floor's. */
const ROUNDS = 4;
const CONCURRENCY = [1, 16, 128];
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 10000);
const INGEST_WARMUP = 2000;
/** BENCH_PROFILE=1: the merchant server writes a CPU profile to server/bench/results/ when it stops. */
/** Each PostgreSQL server's pool (DATABASE_POOL_MAX). */
const POSTGRES_POOL = Number(process.env.BENCH_POSTGRES_POOL ?? 10);
const PROFILE_ARGS = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir', resolve(__dirname, 'results')] : [];

interface CreationRow {
  connections: number;
  /** Each request with an Idempotency-Key of its own, as the mini app sends (the floor ignores it). */
  withKeys: boolean;
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
  /** SQLite and, with BENCH_POSTGRES=1 or BENCH_POSTGRES_URL, PostgreSQL with one and two servers. */
  databases: ComparisonRow[];
}

const credentials = {
  LATIPAY_USER_ID: SANDBOX_DEV_CREDENTIALS.userId,
  LATIPAY_WALLET_ID: SANDBOX_DEV_CREDENTIALS.walletId,
  LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey,
};

/** Sends every body once, 32 at a time, noting when each answer came. */
async function notifyBurst(serverUrl: string, bodies: string[], lastAnswer: { at: number }): Promise<LoadFigures> {
  let next = 0;
  return runLoad({
    url: `${serverUrl}/api/latipay/notify`,
    connections: 32,
    amount: bodies.length,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        onResponse: () => {
          lastAnswer.at = performance.now();
        },
      },
    ],
  });
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

/** One deployment under test: its server processes (one, or several on one database) and that database. */
interface Deployment {
  servers: Service[];
  database: BenchDatabase;
}

/** Load split evenly between the deployment's servers, run at once, as a load balancer would spread it. */
async function acrossServers(
  servers: Service[],
  connections: number,
  load: (url: string, connections: number) => Promise<LoadFigures>,
): Promise<LoadFigures> {
  const parts = await Promise.all(servers.map((server, i) => load(server.url, Math.floor(connections / servers.length) + (i < connections % servers.length ? 1 : 0))));
  return {
    requests: parts.reduce((sum, f) => sum + f.requests, 0),
    requestsPerSecond: parts.reduce((sum, f) => sum + f.requestsPerSecond, 0),
    p50Ms: Math.max(...parts.map((f) => f.p50Ms)),
    p99Ms: Math.max(...parts.map((f) => f.p99Ms)),
    errors: parts.reduce((sum, f) => sum + f.errors, 0),
  };
}

/** The CPU time all the services spent per request of the load. */
async function withCpuOf(services: Service[], load: () => Promise<LoadFigures>): Promise<CpuFigures> {
  const cpu = () => services.reduce((sum, service) => sum + service.cpuMs(), 0);
  const before = cpu();
  const figures = await load();
  return { ...figures, cpuMsPerRequest: Math.round(((cpu() - before) / Math.max(figures.requests, 1)) * 1000) / 1000 };
}

/**
 * The bodies split between the servers, sent at once. autocannon notices that `amount` is
 * reached only on its one-second tick, so the rate is taken from the first request to the
 * last answer instead of from its own duration.
 */
async function notifyAcross(servers: Service[], bodies: string[]): Promise<LoadFigures> {
  const startedAt = performance.now();
  const lastAnswer = { at: startedAt };
  const share = Math.ceil(bodies.length / servers.length);
  const parts = await Promise.all(servers.map((server, i) => notifyBurst(server.url, bodies.slice(i * share, (i + 1) * share), lastAnswer)));
  const seconds = (lastAnswer.at - startedAt) / 1000;
  return {
    requests: parts.reduce((sum, f) => sum + f.requests, 0),
    requestsPerSecond: Math.round(parts.reduce((sum, f) => sum + f.requests, 0) / seconds),
    p50Ms: Math.max(...parts.map((f) => f.p50Ms)),
    p99Ms: Math.max(...parts.map((f) => f.p99Ms)),
    errors: parts.reduce((sum, f) => sum + f.errors, 0),
  };
}

type Measured = Omit<Report, 'machine' | 'packageSize' | 'databases'>;

/** Creation beside the floor at each concurrency, then notification ingest and order reads. */
async function measure(deployment: Deployment, floor: Service, concurrency: number[]): Promise<Measured> {
  const { servers, database } = deployment;
  const [first] = servers;
  const { products } = (await (await fetch(`${first.url}/api/products`)).json()) as ProductsResponse;
  // One shopper, signed in through the in-process Alipay stand-in (the floor ignores the header);
  // the session is in the database every server shares.
  const session = (await (
    await fetch(`${first.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode: 'sandbox:bench-buyer' }),
    })
  ).json()) as SessionResponse;
  const authorization = `Bearer ${session.token}`;
  const create = (url: string, connections: number, duration = DURATION_S, latenciesMs?: number[], withKeys = false) =>
    runLoad({
      url: `${url}/api/orders`,
      method: 'POST',
      connections,
      duration,
      // autocannon puts a new id in place of [<id>] in every request.
      ...(withKeys ? { idReplacement: true } : {}),
      headers: { 'content-type': 'application/json', authorization, ...(withKeys ? { 'idempotency-key': 'bench-[<id>]' } : {}) },
      body: JSON.stringify({ productId: products[0].id, quantity: 1 }),
    }, latenciesMs);

  console.log('warming up…');
  await create(floor.url, 16, 2);
  await acrossServers(servers, 16, (url, n) => create(url, n, 2));

  const creation: CreationRow[] = [];
  // Without keys at each concurrency, then with keys at the highest.
  const runs = [...concurrency.map((connections) => ({ connections, withKeys: false })), { connections: Math.max(...concurrency), withKeys: true }];
  for (const { connections, withKeys } of runs) {
    console.log(`order creation, ${connections} connections${withKeys ? ', each with an Idempotency-Key' : ''}…`);
    // Floor, ours, ours, floor, floor, ours...: this machine's speed drifts by 10-20% over
    // tens of seconds, and short alternating rounds make the drift weigh on both alike.
    const floorRounds: CpuFigures[] = [];
    const ourRounds: CpuFigures[] = [];
    const [floorLatencies, ourLatencies]: number[][] = [[], []];
    const floorRound = async () =>
      floorRounds.push(await withCpuOf([floor], () => create(floor.url, connections, DURATION_S, floorLatencies, withKeys)));
    const ourRound = async () =>
      ourRounds.push(await withCpuOf(servers, () => acrossServers(servers, connections, (url, n) => create(url, n, DURATION_S, ourLatencies, withKeys))));
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) await floorRound().then(ourRound);
      else await ourRound().then(floorRound);
    }
    const [floorFigures, ours] = [combine(floorRounds, floorLatencies), combine(ourRounds, ourLatencies)];
    creation.push({
      connections,
      withKeys,
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
    await pendingOrders(database.sql, INGEST_WARMUP + NOTIFICATIONS),
  );
  const warmBodies = notificationBurst(warmOrders, SANDBOX_DEV_CREDENTIALS.apiKey, 0.2);
  await notifyAcross(servers, warmBodies);
  const bodies = notificationBurst(orders, SANDBOX_DEV_CREDENTIALS.apiKey, 0.2);
  const ingest = {
    ...(await notifyAcross(servers, bodies)),
    sent: bodies.length,
    check: await checkIngest(database.sql, orders),
    warmUp: { sent: warmBodies.length, check: await checkIngest(database.sql, warmOrders) },
  };

  console.log('order reads…');
  let read = 0;
  const reads = await acrossServers(servers, 64, (url, connections) =>
    runLoad({
      url,
      connections,
      duration: DURATION_S,
      headers: { authorization },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/orders/${orders[read++ % orders.length].merchantReference}` }) }],
    }),
  );
  return { creation, ingest, reads, peakRssBytes: Math.max(...servers.map((server) => server.peakRssBytes())) };
}

async function startServers(count: number, database: BenchDatabase, upstream: Record<string, string>): Promise<Service[]> {
  // The abuse limits stay on, so their cost shows in the figures, but high enough to refuse none of
  // the load: every order comes from one address and one buyer.
  const limits = { RATE_LIMIT_ORDERS_PER_IP: '1000000', RATE_LIMIT_ORDERS_PER_BUYER: '1000000' };
  const servers: Service[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const env = { ...upstream, ...limits, ...database.env, PORT: String(port), LOG_LEVEL: 'info' };
    servers.push(await startService('main.ts', env, port, '/healthz', PROFILE_ARGS));
  }
  return servers;
}

/** The PostgreSQL server to measure on: BENCH_POSTGRES_URL, or a throwaway cluster (durable: fsync on). */
async function postgresServer(): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (process.env.BENCH_POSTGRES_URL) return { url: process.env.BENCH_POSTGRES_URL, stop: async () => undefined };
  if (process.env.BENCH_POSTGRES !== '1') return null;
  const cluster = await startCluster({ durable: true });
  return { url: cluster.url, stop: () => cluster.stop() };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  const [sandboxPort, floorPort] = [await freePort(), await freePort()];
  const sandbox = await startService('sandbox/main.ts', { ...credentials, SANDBOX_PORT: String(sandboxPort), SANDBOX_RETRY_MS: '60000', SANDBOX_DATABASE_PATH: ':memory:' }, sandboxPort, '/sandbox/stats');
  const upstream = { ...credentials, LATIPAY_BASE_URL: sandbox.url, RECONCILE_MAX_QPS: '0' };
  const floor = await startService('bench/floor-server.ts', { ...upstream, PORT: String(floorPort) }, floorPort, '/healthz');
  const running: Service[] = [];
  const databases: BenchDatabase[] = [];
  const deploy = async (count: number, database: BenchDatabase): Promise<Deployment> => {
    databases.push(database);
    const servers = await startServers(count, database, upstream);
    running.push(...servers);
    return { servers, database };
  };
  const undeploy = async ({ servers }: Deployment) => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const postgres = await postgresServer();

  try {
    console.log('SQLite, one server:');
    const sqlite = await deploy(1, sqliteDatabase(work));
    const measured = await measure(sqlite, floor, CONCURRENCY);
    await undeploy(sqlite);
    const comparison: ComparisonRow[] = [comparisonRow('SQLite', 1, measured)];
    if (postgres) {
      for (const count of [1, 2]) {
        console.log(`\nPostgreSQL, ${count} server${count > 1 ? 's' : ''} on one database:`);
        const deployment = await deploy(count, await postgresDatabase(postgres.url, POSTGRES_POOL));
        comparison.push(comparisonRow('PostgreSQL', count, await measure(deployment, floor, [128])));
        await undeploy(deployment);
      }
    }

    const report: Report = {
      machine: {
        cpus: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        at: new Date().toISOString(),
      },
      ...measured,
      packageSize: measurePackage(MINI_APP_ROOT),
      databases: comparison,
    };
    printReport(report);
    const resultsDir = resolve(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `bench-${report.machine.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nwritten to ${file}`);
  } finally {
    await Promise.all([floor.stop(), sandbox.stop(), ...running.map((server) => server.stop())]);
    for (const database of databases) await database.close().catch(() => undefined);
    await postgres?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line of the databases table: creation at 128 connections beside the floor, ingest, reads. */
interface ComparisonRow {
  database: string;
  servers: number;
  creation128: CreationRow;
  /** The same with an Idempotency-Key on every request. */
  creation128WithKeys: CreationRow;
  ingestPerSecond: number;
  lost: number;
  appliedTwice: number;
  readsPerSecond: number;
  peakRssBytes: number;
}

function comparisonRow(database: string, servers: number, m: Measured): ComparisonRow {
  return {
    database,
    servers,
    creation128: m.creation.find((row) => row.connections === 128 && !row.withKeys)!,
    creation128WithKeys: m.creation.find((row) => row.connections === 128 && row.withKeys)!,
    ingestPerSecond: m.ingest.requestsPerSecond,
    lost: m.ingest.check.lost + m.ingest.warmUp.check.lost,
    appliedTwice: m.ingest.check.appliedTwice + m.ingest.warmUp.check.appliedTwice,
    readsPerSecond: m.reads.requestsPerSecond,
    peakRssBytes: m.peakRssBytes,
  };
}

function printReport(r: Report): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`\nmachine: ${r.machine.cores} × ${r.machine.cpus}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}`);
  console.log('\norder creation (POST /api/orders)');
  console.table(
    r.creation.map((row) => ({
      connections: `${row.connections}${row.withKeys ? ' + keys' : ''}`,
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
  if (r.databases.length > 1) {
    console.log('\nby database (creation at 128 connections, split between the servers; ingest and reads likewise)');
    console.table(
      r.databases.map((row) => ({
        database: row.database,
        servers: row.servers,
        'creation req/s': row.creation128.ours.requestsPerSecond,
        'vs floor': row.creation128.rpsRatio,
        'p99 ms (vs floor)': `${row.creation128.ours.p99Ms} (${row.creation128.p99Ratio})`,
        'with keys req/s (vs floor)': `${row.creation128WithKeys.ours.requestsPerSecond} (${row.creation128WithKeys.rpsRatio})`,
        'notifications/s': row.ingestPerSecond,
        'lost / applied twice': `${row.lost} / ${row.appliedTwice}`,
        'reads/s': row.readsPerSecond,
        'peak RSS MiB': (row.peakRssBytes / 2 ** 20).toFixed(1),
      })),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
