import type { FastifyInstance } from 'fastify';
import type { PaymentMode } from '../contract';
import { listenError } from '../env/listen-error';
import { ConfigError } from '../env/parsers';
import { SANDBOX_DEV_CREDENTIALS, SandboxDatabaseError, type SandboxOptions } from '../sandbox';
import { buildApp } from './app';
import type { AppConfig } from './config/config';
import type { AppContext } from './context';
import { closeGracefully, trackRequests } from './http/graceful-close';
import { ListeningAddress } from './http/listening-address';
import type { LogDestination } from './http/logger';
import { ALIPAY_SANDBOX_DEV, alipaySandboxPlugin } from '../alipay-sandbox';
import { AlipayIdentity } from './alipay/identity-client';
import { LatipayClient } from './latipay/client';
import { listenForMetrics, type MetricsListener } from './metrics/listener';
import { ShopMetrics } from './metrics/shop-metrics';
import { IN_PROCESS_SANDBOX_PREFIX, inProcessSandbox } from './sandbox/mount';
import { Inflight } from './services/inflight';
import { Reconciler } from './services/reconciler';
import { logRecovered, recoverInterrupted } from './services/recover-interrupted';
import type { Storage } from './store';
import { MemoryCounters } from './store/counters';
import { openPostgresStorage } from './store/postgres';
import { openSqliteStorage } from './store/sqlite';
import type { Db } from './store/db';
import { WalCheckpointer } from './store/wal-checkpointer';

export interface StartOptions {
  /** Where log lines go (default stdout). */
  logStream?: LogDestination;
  /** Overrides for the in-process sandbox (e.g. short retry intervals in tests). */
  sandbox?: Partial<SandboxOptions>;
}

export interface RunningServer {
  app: FastifyInstance;
  /** Where the API listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The in-process sandbox's base URL, or null when Latipay is at LATIPAY_BASE_URL. */
  sandboxUrl: string | null;
  mode: PaymentMode;
  config: AppConfig;
  /** The database the server uses (tests read it to check what was recorded). */
  storage: Storage;
  close(): Promise<void>;
}

/** The configured database, brought up to the current schema; `sqlite` is its connection when it is SQLite. */
async function openStorage(config: AppConfig): Promise<{ storage: Storage; sqlite: Db | null }> {
  const { database } = config;
  if (database.kind === 'postgres') {
    try {
      return { storage: await openPostgresStorage(database), sqlite: null };
    } catch (err) {
      // The message never carries the URL (its password): pg names the host at most.
      throw new ConfigError('DATABASE_URL', `cannot use the PostgreSQL database: ${(err as Error).message}`);
    }
  }
  try {
    const storage = openSqliteStorage(database.path);
    return { storage, sqlite: storage.db };
  } catch (err) {
    throw new ConfigError('DATABASE_PATH', `cannot open ${database.path}: ${(err as Error).message}`);
  }
}

function modeLine(config: AppConfig): string {
  if (!config.sandbox) return `Latipay live mode: ${config.latipay.baseUrl}`;
  const dev = config.sandbox.apiKey === SANDBOX_DEV_CREDENTIALS.apiKey;
  const credentials = dev ? 'development credentials' : 'credentials from LATIPAY_*';
  return `Latipay sandbox mode: in-process sandbox at ${IN_PROCESS_SANDBOX_PREFIX} with ${credentials}; no real money moves`;
}

/** Where the backend mounts the Alipay OpenAPI stand-in when ALIPAY_APP_ID is unset. */
export const ALIPAY_SANDBOX_PREFIX = '/alipay-sandbox';
const ALIPAY_TIMEOUT_MS = 10_000;

/** Alipay's OpenAPI as configured, or its in-process stand-in with the development keys. */
function identity(config: AppConfig, address: ListeningAddress): AlipayIdentity {
  const alipay = config.alipay;
  if (alipay !== null) return new AlipayIdentity({ ...alipay, gateway: () => alipay.gatewayUrl, timeoutMs: ALIPAY_TIMEOUT_MS });
  return new AlipayIdentity({
    appId: ALIPAY_SANDBOX_DEV.appId,
    privateKey: ALIPAY_SANDBOX_DEV.appPrivateKey,
    keyType: ALIPAY_SANDBOX_DEV.keyType,
    alipayPublicKey: ALIPAY_SANDBOX_DEV.alipayPublicKey,
    gateway: () => `${address.get()}${ALIPAY_SANDBOX_PREFIX}/gateway.do`,
    timeoutMs: ALIPAY_TIMEOUT_MS,
  });
}

function context(config: AppConfig, storage: Storage, address: ListeningAddress): AppContext {
  const publicBaseUrl = () => config.publicBaseUrl ?? address.get();
  const metrics = new ShopMetrics(storage);
  return {
    config,
    storage,
    mode: config.sandbox ? 'sandbox' : 'live',
    latipay: new LatipayClient({
      baseUrl: () => config.latipay.baseUrl ?? `${address.get()}${IN_PROCESS_SANDBOX_PREFIX}`,
      userId: config.latipay.userId,
      walletId: config.latipay.walletId,
      apiKey: config.latipay.apiKey,
      timeoutMs: config.latipay.timeoutMs,
      onCall: (operation, outcome, seconds) => metrics.recordLatipayCall(operation, outcome, seconds),
    }),
    identity: identity(config, address),
    localUrl: () => address.get(),
    callbackUrl: () => `${publicBaseUrl()}/api/latipay/notify`,
    inflight: new Inflight(),
    counters: new MemoryCounters(),
    metrics,
  };
}

/**
 * What was started before this is no longer in progress anywhere: on SQLite (one process)
 * everything before now; on PostgreSQL, where other instances work, what is older than any
 * Latipay call can last.
 */
export function interruptedBefore(config: AppConfig): string {
  const { database } = config;
  // A request may wait for a pool connection before and after its Latipay call (and clocks differ a little).
  const margin = database.kind === 'sqlite' ? 0 : config.latipay.timeoutMs + 3 * database.connectTimeoutMs + 60_000;
  return new Date(Date.now() - margin).toISOString();
}

/**
 * Composition: opens the database, builds the app on it, mounts the sandbox when configured
 * so, and listens. Nothing is logged before listening succeeds, so that a start-up failure
 * is the one line main prints.
 */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const { storage, sqlite } = await openStorage(config);
  const address = new ListeningAddress();
  const ctx = context(config, storage, address);
  const app = buildApp(ctx, options.logStream);
  const requests = trackRequests(app.server);
  const checkpointer =
    sqlite &&
    new WalCheckpointer(sqlite, (err) => app.log.error({ err }, 'the WAL checkpoint worker failed: the server checkpoints on its own connection'));
  app.addHook('onClose', async () => {
    ctx.latipay.close();
    await checkpointer?.stop();
    await storage.close();
  });
  // On PostgreSQL other instances may stop half way at any time: looked for while running too.
  const recover = async () => logRecovered(await recoverInterrupted(storage, interruptedBefore(config)), app.log);
  const reconciler = new Reconciler(ctx, app.log.child({ job: 'reconciler' }), {
    recover: config.database.kind === 'postgres' ? { everyMs: config.reconcile.recoverEveryMs, run: recover } : undefined,
  });
  let metricsListener: MetricsListener | null = null;
  // Before onClose: its last checks still write to the database and call Latipay.
  app.addHook('preClose', async () => {
    await reconciler.stop();
    await metricsListener?.close();
  });
  // Before listening, so no new request can be taken for one an earlier run left half done.
  const recovered = await recoverInterrupted(storage, interruptedBefore(config));
  if (config.alipay === null) app.register(alipaySandboxPlugin, { prefix: ALIPAY_SANDBOX_PREFIX });
  if (config.sandbox) {
    const sandbox = { ...config.sandbox, ...options.sandbox };
    app.register(inProcessSandbox, { sandbox, remoteControl: config.sandboxRemoteControl, prefix: IN_PROCESS_SANDBOX_PREFIX });
  }

  try {
    // Fastify's own first line, "Server listening at …", says which Latipay is used too.
    const listenTextResolver = (at: string) => `${modeLine(config)}; listening at ${at}`;
    metricsListener = await listenForMetrics(ctx.metrics, config);
    await app.listen({ port: config.port, host: config.host, listenTextResolver });
  } catch (err) {
    await app.close().catch(() => undefined);
    if (err instanceof SandboxDatabaseError) throw new ConfigError('SANDBOX_DATABASE_PATH', err.message);
    throw listenError(err, { host: config.host, port: config.port, names: { host: 'HOST', port: 'PORT' } });
  }
  const url = address.set(app.server.address());
  reconciler.start();
  logRecovered(recovered, app.log);
  if (config.alipay === null && config.sandbox === null) {
    app.log.warn('shoppers sign in through the Alipay stand-in while Latipay is real: anyone can sign in as anyone; set ALIPAY_APP_ID');
  }
  const sandboxUrl = config.sandbox ? `${url}${IN_PROCESS_SANDBOX_PREFIX}` : null;
  app.log.info(
    { mode: ctx.mode, api: url, sandbox: sandboxUrl, callbackUrl: ctx.callbackUrl() },
    sandboxUrl ? `API at ${url}, Latipay sandbox at ${sandboxUrl}` : `API at ${url}, Latipay at ${config.latipay.baseUrl}`,
  );
  if (!config.production) {
    app.log.info(
      `Alipay IDE: set API_BASE_URLS.develop in config/env.ts to ${config.publicBaseUrl ?? url} and, in the ` +
        `project's Details panel, tick 忽略 httpRequest 域名合法性检查 (ignore the request domain check)`,
    );
  }
  return { app, url, sandboxUrl, mode: ctx.mode, config, storage, close: () => closeGracefully(app, requests, config.shutdownTimeoutMs) };
}
