import path from 'node:path';
import { SANDBOX_DEV_CREDENTIALS, sandboxOptionsFromEnv, type SandboxOptions } from '../sandbox';
import { CatalogError, loadCatalog, type Catalog } from './catalog';
import { ConfigError, baseUrl, flag, integer, oneOf, optional, token, type Env } from './env-parsers';

export { ConfigError, type Env } from './env-parsers';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const CURRENCIES = ['NZD', 'AUD', 'CNY'] as const;
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

function inProcessSandbox(env: Env, currency: string): SandboxOptions {
  try {
    // Same rules as `npm run sandbox`: LATIPAY_USER_ID/WALLET_ID/API_KEY when set, else the dev ones.
    return { ...sandboxOptionsFromEnv(env), currency };
  } catch (err) {
    // Its messages already start with the variable's name, e.g. "SANDBOX_RETRY_MS must be ...".
    const message = (err as Error).message;
    const setting = /^[A-Z][A-Z0-9_]*/.exec(message)?.[0] ?? 'sandbox settings';
    throw new ConfigError(setting, message, message);
  }
}

function adminToken(env: Env): string | null {
  const value = token(env, 'ADMIN_TOKEN');
  if (value === undefined) return null;
  if (value.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError('ADMIN_TOKEN', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  return value;
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

  let latipay: LatipayConfig;
  let sandbox: SandboxOptions | null = null;
  if (latipayUrl === undefined) {
    sandbox = inProcessSandbox(env, currency);
    latipay = { baseUrl: null, userId: sandbox.userId, walletId: sandbox.walletId, apiKey: sandbox.apiKey, timeoutMs };
  } else {
    latipay = liveLatipay(env, latipayUrl, production, timeoutMs);
  }
  if (production && publicBaseUrl === null) {
    throw new ConfigError('PUBLIC_BASE_URL', 'required when NODE_ENV=production (Latipay must reach $PUBLIC_BASE_URL/api/latipay/notify)');
  }

  const databasePath = optional(env, 'DATABASE_PATH');
  const catalogPath = optional(env, 'CATALOG_PATH');
  const resolvedCatalogPath = catalogPath ? path.resolve(cwd, catalogPath) : path.join(PROJECT_ROOT, 'server', 'catalog.json');
  let catalog: Catalog;
  try {
    catalog = loadCatalog(resolvedCatalogPath, currency);
  } catch (err) {
    if (err instanceof CatalogError) throw new ConfigError('CATALOG_PATH', `${resolvedCatalogPath} ${err.message}`);
    throw err;
  }

  return {
    production,
    port,
    host,
    publicBaseUrl,
    databasePath: databasePath ? path.resolve(cwd, databasePath) : path.join(PROJECT_ROOT, 'data', 'shop.sqlite'),
    catalogPath: resolvedCatalogPath,
    catalog,
    currency,
    latipay,
    sandbox,
    sandboxRemoteControl: flag(env, 'SANDBOX_REMOTE_CONTROL'),
    adminToken: adminToken(env),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}
