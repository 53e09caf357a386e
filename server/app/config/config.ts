import path from 'node:path';
import { CURRENCIES, ConfigError, baseUrl, flag, integer, oneOf, optional, token, type Env } from '../../env/parsers';
import {
  SANDBOX_DEV_CREDENTIALS,
  inProcessSandboxDatabasePath,
  sandboxDatabasePathFromEnv,
  sandboxOptionsFromEnv,
  type SandboxOptions,
} from '../../sandbox';
import { CatalogError, loadCatalog, type Catalog } from '../catalog';

export { ConfigError, type Env } from '../../env/parsers';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIN_ADMIN_TOKEN_LENGTH = 16;

export interface LatipayConfig {
  /** null: the sandbox is mounted in-process and its URL is known only once listening. */
  baseUrl: string | null;
  userId: string;
  walletId: string;
  apiKey: string;
  timeoutMs: number;
}

export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  /** null: `http://127.0.0.1:<listening port>`. */
  publicBaseUrl: string | null;
  databasePath: string;
  catalogPath: string;
  catalog: Catalog;
  currency: string;
  latipay: LatipayConfig;
  /** Options of the in-process sandbox; null when LATIPAY_BASE_URL points at a Latipay. */
  sandbox: SandboxOptions | null;
  /** SANDBOX_REMOTE_CONTROL=1: the in-process sandbox's control API answers any peer, not only this machine. */
  sandboxRemoteControl: boolean;
  adminToken: string | null;
  trustProxy: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
}

function liveLatipay(env: Env, url: string, production: boolean, timeoutMs: number): LatipayConfig {
  if (production && !url.startsWith('https://')) {
    throw new ConfigError('LATIPAY_BASE_URL', 'must be an https URL when NODE_ENV=production');
  }
  const required = (name: string): string => {
    const value = token(env, name);
    if (value === undefined) throw new ConfigError(name, 'required when LATIPAY_BASE_URL is set');
    return value;
  };
  const latipay = {
    baseUrl: url,
    userId: required('LATIPAY_USER_ID'),
    walletId: required('LATIPAY_WALLET_ID'),
    apiKey: required('LATIPAY_API_KEY'),
    timeoutMs,
  };
  if (production && latipay.apiKey === SANDBOX_DEV_CREDENTIALS.apiKey) {
    throw new ConfigError('LATIPAY_API_KEY', 'is the sandbox development key; use your Latipay api_key in production');
  }
  return latipay;
}

/**
 * The in-process sandbox reads the same variables as `npm run sandbox` (LATIPAY_USER_ID/…
 * when set, else the development ones). It keeps its orders in SANDBOX_DATABASE_PATH, by
 * default a file beside the shop's database, so that a restart keeps every order payable.
 */
function inProcessSandbox(env: Env, cwd: string, currency: string, databasePath: string): SandboxOptions {
  const sandboxPath = sandboxDatabasePathFromEnv(env, cwd, inProcessSandboxDatabasePath(databasePath));
  return { ...sandboxOptionsFromEnv(env), currency, databasePath: sandboxPath };
}

function adminToken(env: Env): string | null {
  const value = token(env, 'ADMIN_TOKEN');
  if (value === undefined) return null;
  if (value.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError('ADMIN_TOKEN', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  return value;
}

function catalogAt(env: Env, cwd: string, currency: string): { catalogPath: string; catalog: Catalog } {
  const given = optional(env, 'CATALOG_PATH');
  const catalogPath = given ? path.resolve(cwd, given) : path.join(PROJECT_ROOT, 'server', 'catalog.json');
  try {
    return { catalogPath, catalog: loadCatalog(catalogPath, currency) };
  } catch (err) {
    if (err instanceof CatalogError) throw new ConfigError('CATALOG_PATH', `${catalogPath} ${err.message}`);
    throw err;
  }
}

/**
 * Reads and validates every setting. `env` is injected (process.env in main) so tests can
 * check each refusal without starting a process. Throws ConfigError naming the setting.
 */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const production = optional(env, 'NODE_ENV') === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = token(env, 'HOST') ?? '127.0.0.1';
  const publicBaseUrl = baseUrl(env, 'PUBLIC_BASE_URL') ?? null;
  const currency = oneOf(env, 'LATIPAY_CURRENCY', CURRENCIES, 'NZD');
  const timeoutMs = integer(env, 'LATIPAY_TIMEOUT_MS', 10_000, 1, 600_000);
  const latipayUrl = baseUrl(env, 'LATIPAY_BASE_URL');
  if (latipayUrl === undefined && production) {
    throw new ConfigError('LATIPAY_BASE_URL', 'required when NODE_ENV=production (the sandbox moves no real money)');
  }
  const givenDatabasePath = optional(env, 'DATABASE_PATH');
  const databasePath = givenDatabasePath ? path.resolve(cwd, givenDatabasePath) : path.join(PROJECT_ROOT, 'data', 'shop.sqlite');

  let latipay: LatipayConfig;
  let sandbox: SandboxOptions | null = null;
  if (latipayUrl === undefined) {
    sandbox = inProcessSandbox(env, cwd, currency, databasePath);
    latipay = { baseUrl: null, userId: sandbox.userId, walletId: sandbox.walletId, apiKey: sandbox.apiKey, timeoutMs };
  } else {
    latipay = liveLatipay(env, latipayUrl, production, timeoutMs);
  }
  if (production && publicBaseUrl === null) {
    throw new ConfigError('PUBLIC_BASE_URL', 'required when NODE_ENV=production (Latipay must reach $PUBLIC_BASE_URL/api/latipay/notify)');
  }

  return {
    production,
    port,
    host,
    publicBaseUrl,
    databasePath,
    ...catalogAt(env, cwd, currency),
    currency,
    latipay,
    sandbox,
    sandboxRemoteControl: flag(env, 'SANDBOX_REMOTE_CONTROL'),
    adminToken: adminToken(env),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}
