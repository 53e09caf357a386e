import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { PaymentMode } from '../contract';
import { SANDBOX_DEV_CREDENTIALS, type SandboxOptions } from '../sandbox';
import { buildApp } from './build-app';
import { ConfigError, type AppConfig } from './config';
import { closeGracefully, trackRequests } from './graceful-close';
import type { AppContext } from './context';
import { openDatabase, type Db } from './db';
import { inProcessSandbox } from './in-process-sandbox';
import { GroupCommit } from './group-commit';
import { Inflight } from './inflight';
import { LatipayClient } from './latipay-client';
import { listenError } from './listen-error';
import type { LogDestination } from './logger';
import { recoverInterrupted } from './recover-interrupted';
import { createStores } from './store';
import { WalCheckpointer } from './wal-checkpointer';

export const SANDBOX_PREFIX = '/latipay-sandbox';

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
  close(): Promise<void>;
}

/** A URL this machine can call the listening server at (a wildcard address becomes loopback). */
function localUrl(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return `http://127.0.0.1:${address.port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function openDb(config: AppConfig): Db {
  try {
    return openDatabase(config.databasePath);
  } catch (err) {
    throw new ConfigError('DATABASE_PATH', `cannot open ${config.databasePath}: ${(err as Error).message}`);
  }
}

function modeLine(config: AppConfig): string {
  if (!config.sandbox) return `Latipay live mode: ${config.latipay.baseUrl}`;
  const dev = config.sandbox.apiKey === SANDBOX_DEV_CREDENTIALS.apiKey;
  const credentials = dev ? 'development credentials' : 'credentials from LATIPAY_*';
  return `Latipay sandbox mode: in-process sandbox at ${SANDBOX_PREFIX} with ${credentials}; no real money moves`;
}

/** Opens the database, mounts the sandbox when configured so, and listens. */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const db = openDb(config);
  const stores = createStores(db);
  let url = '';
  const mode: PaymentMode = config.sandbox ? 'sandbox' : 'live';
  const ctx: AppContext = {
    config,
    stores,
    mode,
    latipay: new LatipayClient({
      baseUrl: () => config.latipay.baseUrl ?? `${url}${SANDBOX_PREFIX}`,
      userId: config.latipay.userId,
      walletId: config.latipay.walletId,
      apiKey: config.latipay.apiKey,
      timeoutMs: config.latipay.timeoutMs,
    }),
    callbackUrl: () => `${config.publicBaseUrl ?? url}/api/latipay/notify`,
    inflight: new Inflight(),
    groupCommit: new GroupCommit(db),
  };
  const app = buildApp(ctx, options.logStream);
  const requests = trackRequests(app.server);
  app.log.info({ mode }, modeLine(config));
  const checkpointer = new WalCheckpointer(db, (err) =>
    app.log.error({ err }, 'the WAL checkpoint worker failed: the server checkpoints on its own connection'),
  );
  app.addHook('onClose', async () => {
    ctx.latipay.close();
    await checkpointer.stop();
    db.close();
  });

  recoverInterrupted(stores, app.log);
  if (config.sandbox) {
    const sandbox = { ...config.sandbox, ...options.sandbox };
    app.register(inProcessSandbox, { sandbox, remoteControl: config.sandboxRemoteControl, prefix: SANDBOX_PREFIX });
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw listenError(err, config);
  }
  url = localUrl(app.server.address() as AddressInfo);
  const sandboxUrl = config.sandbox ? `${url}${SANDBOX_PREFIX}` : null;
  app.log.info(
    { api: url, sandbox: sandboxUrl, callbackUrl: ctx.callbackUrl() },
    sandboxUrl ? `API at ${url}, Latipay sandbox at ${sandboxUrl}` : `API at ${url}, Latipay at ${config.latipay.baseUrl}`,
  );
  if (!config.production) {
    app.log.info(
      `Alipay IDE: set API_BASE_URLS.develop in config/env.ts to ${config.publicBaseUrl ?? url} and, in the ` +
        `project's Details panel, tick 忽略 httpRequest 域名合法性检查 (ignore the request domain check)`,
    );
  }
  return { app, url, sandboxUrl, mode, config, close: () => closeGracefully(app, requests) };
}
