/**
 * startTestServer: the real merchant backend on port 0 with a temporary SQLite file, or, when
 * the jest project is `postgres` (TEST_STORAGE=postgres), a fresh PostgreSQL database of the
 * test cluster, and, unless LATIPAY_BASE_URL is given, the in-process Latipay sandbox,
 * reached over real HTTP. Logs are captured in memory (never printed) so tests can inspect them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PaymentMode } from '../../server/contract';
import { loadConfig, type Env } from '../../server/app/config/config';
import { startServer } from '../../server/app/server';
import { createTestDatabase } from './postgres';
import { testStorage } from './test-storage';
import type { SandboxOptions } from '../../server/sandbox';

export interface TestServerOptions {
  /** Settings merged over the test defaults (process.env is never read); undefined unsets one. */
  env?: Env;
  /** Overrides for the in-process sandbox. */
  sandbox?: Partial<SandboxOptions>;
}

/** A shopper signed in through the in-process Alipay stand-in (code `sandbox:<name>`). */
export interface Shopper {
  name: string;
  buyerId: string;
  token: string;
  /** `Authorization: Bearer <token>`. */
  headers: Record<string, string>;
}

/** Whom the test helpers act as when a test names no shopper. */
export const DEFAULT_SHOPPER = 'test-shopper';

export interface TestServer {
  /** The API, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The in-process sandbox's base URL (its control API is under `/sandbox`), or null. */
  sandboxUrl: string | null;
  mode: PaymentMode;
  /** The SQLite file (the sandbox's file lies beside it on PostgreSQL too). */
  databasePath: string;
  /** `sqlite` or `postgres`: which database this server uses. */
  storage: 'sqlite' | 'postgres';
  /**
   * Rows of a query on the server's database (`?` placeholders, SQL both databases take). On
   * SQLite only a statement that returns rows is taken: a write ends with `RETURNING`.
   */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The admin bearer token, or null when ADMIN_TOKEN is unset. */
  adminToken: string | null;
  /** The Latipay account the server uses (tests sign notifications with apiKey). */
  latipay: { userId: string; walletId: string; apiKey: string };
  /** Signs `name` in (POST /api/session), once per server: the same shopper every time. */
  signIn(name?: string): Promise<Shopper>;
  /** Every log line written so far, raw JSON text. */
  logs: string[];
  /** The log lines parsed. */
  logEntries(): Record<string, unknown>[];
  /** Stops the server and deletes its temporary directory. */
  close(): Promise<void>;
  /** Stops the server, keeping its database (close() still deletes it). */
  stop(): Promise<void>;
  /** Stops this server, keeping the database, and starts a new one on the same file and port. */
  restart(options?: TestServerOptions): Promise<TestServer>;
}

export const TEST_DEFAULT_ENV: Env = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  LATIPAY_TIMEOUT_MS: '5000',
  // Quick, bounded notification retries so refused notifications finish within a test.
  SANDBOX_RETRY_MS: '50',
  SANDBOX_MAX_ATTEMPTS: '5',
  SANDBOX_NOTIFY_TIMEOUT_MS: '2000',
  // Tests of other behaviour order and refresh far faster than a shopper, all from 127.0.0.1:
  // the abuse limits are off here, and tests/server/rate-limits.test.ts checks each of them
  // (and the defaults).
  RATE_LIMIT_ORDERS_PER_IP: '0',
  RATE_LIMIT_ORDERS_PER_BUYER: '0',
  RATE_LIMIT_SESSIONS_PER_IP: '0',
  RATE_LIMIT_NOTIFY_REFUSALS_PER_IP: '0',
  RATE_LIMIT_REFRESH_INTERVAL_MS: '0',
  RATE_LIMIT_ADMIN_FAILURES_PER_IP: '0',
  // Background queries would change the counts of Latipay calls tests check; the reconciler's
  // own tests turn it on.
  RECONCILE_MAX_QPS: '0',
};

function buildEnv(base: Env, overrides: Env = {}): Env {
  const env: Env = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

async function launch(env: Env, options: TestServerOptions, tempDir: string, dropDatabase: () => Promise<void>): Promise<TestServer> {
  const config = loadConfig(env);
  const logs: string[] = [];
  const running = await startServer(config, { logStream: { write: (line) => void logs.push(line) }, sandbox: options.sandbox });
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    await running.close();
  };
  const shoppers = new Map<string, Promise<Shopper>>();
  const signIn = async (name: string): Promise<Shopper> => {
    const res = await fetch(`${running.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode: `sandbox:${name}` }),
    });
    const body = (await res.json()) as { token: string; buyer: { id: string } };
    if (res.status !== 201) throw new Error(`sign-in of ${name} answered ${res.status}: ${JSON.stringify(body)}`);
    return { name, buyerId: body.buyer.id, token: body.token, headers: { authorization: `Bearer ${body.token}` } };
  };
  return {
    url: running.url,
    signIn(name = DEFAULT_SHOPPER) {
      let shopper = shoppers.get(name);
      if (!shopper) {
        shopper = signIn(name);
        shoppers.set(name, shopper);
      }
      return shopper;
    },
    sandboxUrl: running.sandboxUrl,
    mode: running.mode,
    databasePath: config.databasePath,
    storage: running.storage.kind,
    rows: (sql, ...params) => running.storage.sql.all(sql, params),
    adminToken: config.adminToken,
    latipay: { userId: config.latipay.userId, walletId: config.latipay.walletId, apiKey: config.latipay.apiKey },
    logs,
    logEntries: () => logs.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop,
    async close() {
      await stop();
      await dropDatabase();
      rmSync(tempDir, { recursive: true, force: true });
    },
    /** On the same port, as `npm start` would: Latipay's callbacks of earlier orders still reach it. */
    async restart(next: TestServerOptions = {}) {
      await stop();
      const samePort = { PORT: new URL(running.url).port, ...next.env };
      return launch(buildEnv(env, samePort), { ...options, ...next }, tempDir, dropDatabase);
    },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'shop-test-'));
  // A test that names DATABASE_URL (a database of its own, or undefined for SQLite) gets no other.
  const database = testStorage() === 'postgres' && !('DATABASE_URL' in (options.env ?? {})) ? await createTestDatabase() : null;
  const dropDatabase = async () => database?.drop();
  const env = buildEnv(
    {
      ...TEST_DEFAULT_ENV,
      DATABASE_PATH: path.join(tempDir, 'shop.sqlite'),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ADMIN_TOKEN: `test-admin-${randomBytes(12).toString('hex')}`,
    },
    options.env,
  );
  try {
    return await launch(env, options, tempDir, dropDatabase);
  } catch (err) {
    await dropDatabase();
    rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
