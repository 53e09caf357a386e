import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TRANSPORT_LIMITS } from '../../http-server/transport';
import { CURRENCIES, ConfigError, baseUrl, flag, integer, oneOf, optional, token, type Env } from '../../env/parsers';
import {
  SANDBOX_DEV_CREDENTIALS,
  inProcessSandboxDatabasePath,
  sandboxDatabasePathFromEnv,
  sandboxOptionsFromEnv,
  type SandboxOptions,
} from '../../sandbox';
import { ALIPAY_SANDBOX_DEV } from '../../alipay-sandbox';
import { AlipayKeyError, parseAlipayKeys, type AppKeyType } from '../alipay/keys';
import { CatalogError, loadCatalog, type Catalog } from '../catalog';
import {
  DEFAULT_ORDER_EXPIRES_AFTER_S,
  dashboardConfig,
  databaseConfig,
  metricsConfig,
  reconcileConfig,
  type DashboardConfig,
  type DatabaseConfig,
  type MetricsConfig,
  type ReconcileConfig,
} from './operations';

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
  /** The SQLite file (DATABASE_PATH), used unless DATABASE_URL selects PostgreSQL. */
  databasePath: string;
  database: DatabaseConfig;
  catalogPath: string;
  catalog: Catalog;
  currency: string;
  latipay: LatipayConfig;
  /** Options of the in-process sandbox; null when LATIPAY_BASE_URL points at a Latipay. */
  sandbox: SandboxOptions | null;
  /** SANDBOX_REMOTE_CONTROL=1: the in-process sandbox's control API answers any peer, not only this machine. */
  sandboxRemoteControl: boolean;
  adminToken: string | null;
  /** Which peers' X-Forwarded-For to believe: the proxies in front (a count), or their addresses; null: none. */
  trustProxy: TrustProxy | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How long a request's headers and body may take to arrive (408 after). */
  requestTimeoutMs: number;
  /** How long stopping may wait for requests in progress before it closes their connections. */
  shutdownTimeoutMs: number;
  /** Requests one connection may have in progress at once (pipelined); the connection is closed past it. */
  maxPipelinedRequests: number;
  limits: RateLimits;
  /** How long a shopper's session lasts before the mini app must sign in again (silently). */
  sessionTtlS: number;
  /** Alipay's OpenAPI for signing shoppers in; null: the in-process stand-in (ALIPAY_APP_ID unset). */
  alipay: AlipayConfig | null;
  reconcile: ReconcileConfig;
  orderExpiresAfterS: number;
  metrics: MetricsConfig;
  dashboard: DashboardConfig;
}

export interface AlipayConfig {
  appId: string;
  /** The app's private key (signs requests), as PEM of keyType. */
  privateKey: string;
  keyType: AppKeyType;
  /** Alipay's public key (verifies answers), as PEM. */
  alipayPublicKey: string;
  gatewayUrl: string;
}

const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export type TrustProxy = { hops: number } | { addresses: string[] };

/** Every abuse limit; 0 turns one off. Windows are a minute unless said. */
export interface RateLimits {
  ordersPerIp: number;
  ordersPerBuyer: number;
  /** Sign-ins (POST /api/session) per client IP. */
  sessionsPerIp: number;
  /** Refused notifications (bad signature, unknown order) per sender IP. */
  notifyRefusalsPerIp: number;
  /** At most one Latipay query per order in this many ms, whatever the number of `?refresh=true`. */
  refreshIntervalMs: number;
  /** Wrong admin tokens per IP before it is locked out. */
  adminFailuresPerIp: number;
  adminLockoutMs: number;
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

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** One address or CIDR range of a proxy, as proxy-addr takes them (also `loopback`, `linklocal`, `uniquelocal`). */
function isProxyAddress(value: string): boolean {
  if (PROXY_NAMES.includes(value)) return true;
  const [address, bits, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  // A /0 range trusts every hop, which would let any client choose its address.
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) >= 1 && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY: the number of proxies in front of the server (1: the one reverse proxy), or a
 * comma-separated list of their addresses or CIDR ranges. Trusting every hop would let a client
 * choose the IP sent to Latipay with its own X-Forwarded-For, so `true` is refused.
 */
function trustProxy(env: Env): TrustProxy | null {
  const value = optional(env, 'TRUST_PROXY');
  if (value === undefined || value === '0' || value === 'false') return null;
  if (/^\d+$/.test(value)) return { hops: integer(env, 'TRUST_PROXY', 0, 1, 10) };
  const addresses = value.split(',').map((item) => item.trim());
  const wrong = addresses.find((item) => !isProxyAddress(item));
  if (wrong !== undefined) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be the number of proxies in front of the server (e.g. 1) or their addresses or CIDR ranges, comma-separated; "${wrong}" is neither`,
    );
  }
  return { addresses };
}


function rateLimits(env: Env): RateLimits {
  return {
    ordersPerIp: integer(env, 'RATE_LIMIT_ORDERS_PER_IP', 60, 0, 1_000_000),
    ordersPerBuyer: integer(env, 'RATE_LIMIT_ORDERS_PER_BUYER', 10, 0, 1_000_000),
    sessionsPerIp: integer(env, 'RATE_LIMIT_SESSIONS_PER_IP', 30, 0, 1_000_000),
    notifyRefusalsPerIp: integer(env, 'RATE_LIMIT_NOTIFY_REFUSALS_PER_IP', 20, 0, 1_000_000),
    refreshIntervalMs: integer(env, 'RATE_LIMIT_REFRESH_INTERVAL_MS', 2000, 0, 3_600_000),
    adminFailuresPerIp: integer(env, 'RATE_LIMIT_ADMIN_FAILURES_PER_IP', 10, 0, 1_000_000),
    adminLockoutMs: integer(env, 'RATE_LIMIT_ADMIN_LOCKOUT_S', 300, 1, 86_400) * 1000,
  };
}


/** A key given in the variable itself or, with NAME_PATH, in a file. */
function keyText(env: Env, cwd: string, name: string): string {
  const inline = optional(env, name);
  const file = optional(env, `${name}_PATH`);
  if (inline !== undefined && file !== undefined) throw new ConfigError(name, `set ${name} or ${name}_PATH, not both`);
  if (file !== undefined) {
    try {
      return readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (err) {
      throw new ConfigError(`${name}_PATH`, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (inline === undefined) throw new ConfigError(name, `required when ALIPAY_APP_ID is set (or ${name}_PATH)`);
  return inline;
}

/**
 * ALIPAY_APP_ID and its keys sign shoppers in with Alipay. Without it the in-process stand-in
 * of Alipay's gateway is used, which production refuses: it would let anyone sign in as anyone.
 */
function alipay(env: Env, cwd: string, production: boolean): AlipayConfig | null {
  const appId = token(env, 'ALIPAY_APP_ID');
  if (appId === undefined) {
    if (production) throw new ConfigError('ALIPAY_APP_ID', 'required when NODE_ENV=production (the Alipay stand-in signs anyone in)');
    return null;
  }
  if (!/^\d{16}$/.test(appId)) throw new ConfigError('ALIPAY_APP_ID', 'must be the 16-digit app id of the Alipay Open Platform');
  const privateKey = keyText(env, cwd, 'ALIPAY_PRIVATE_KEY');
  const alipayPublicKey = keyText(env, cwd, 'ALIPAY_PUBLIC_KEY');
  let keys: ReturnType<typeof parseAlipayKeys>;
  try {
    keys = parseAlipayKeys({ privateKey, alipayPublicKey });
  } catch (err) {
    if (!(err instanceof AlipayKeyError)) throw err;
    const setting = /^ALIPAY_(PRIVATE|PUBLIC)_KEY/.exec(err.message)?.[0] ?? 'ALIPAY_PRIVATE_KEY';
    throw new ConfigError(setting, err.message.replace(new RegExp(`^${setting}:? `), ''));
  }
  if (production && keys.alipayPublicKey === parseAlipayKeys({ privateKey: ALIPAY_SANDBOX_DEV.appPrivateKey, alipayPublicKey: ALIPAY_SANDBOX_DEV.alipayPublicKey }).alipayPublicKey) {
    throw new ConfigError('ALIPAY_PUBLIC_KEY', "is the stand-in's development key; use the Alipay public key of your app in production");
  }
  const gatewayUrl = baseUrl(env, 'ALIPAY_GATEWAY_URL') ?? ALIPAY_GATEWAY;
  if (production && !gatewayUrl.startsWith('https://')) throw new ConfigError('ALIPAY_GATEWAY_URL', 'must be an https URL when NODE_ENV=production');
  return { appId, ...keys, gatewayUrl };
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
    database: databaseConfig(env, databasePath),
    ...catalogAt(env, cwd, currency),
    currency,
    latipay,
    sandbox,
    sandboxRemoteControl: flag(env, 'SANDBOX_REMOTE_CONTROL'),
    adminToken: adminToken(env),
    trustProxy: trustProxy(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', DEFAULT_TRANSPORT_LIMITS.requestTimeoutMs, 100, 3_600_000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000),
    maxPipelinedRequests: integer(env, 'MAX_PIPELINED_REQUESTS', DEFAULT_TRANSPORT_LIMITS.maxPipelinedRequests, 1, 1000),
    limits: rateLimits(env),
    sessionTtlS: integer(env, 'SESSION_TTL_S', 7 * 24 * 3600, 1, 365 * 24 * 3600),
    alipay: alipay(env, cwd, production),
    reconcile: reconcileConfig(env),
    orderExpiresAfterS: integer(env, 'ORDER_EXPIRES_AFTER_S', DEFAULT_ORDER_EXPIRES_AFTER_S, 1, 30 * 24 * 3600),
    metrics: metricsConfig(env, MIN_ADMIN_TOKEN_LENGTH),
    dashboard: dashboardConfig(env),
  };
}
