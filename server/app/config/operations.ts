import { ConfigError, integer, optional, token, type Env } from '../../env/parsers';

/** Where the shop keeps its data: an SQLite file (the default) or a PostgreSQL database. */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; poolMax: number; connectTimeoutMs: number };

/** DATABASE_URL=postgres://… selects PostgreSQL (DATABASE_POOL_MAX, DATABASE_CONNECT_TIMEOUT_MS); else SQLite at `sqlitePath`. */
export function databaseConfig(env: Env, sqlitePath: string): DatabaseConfig {
  const url = token(env, 'DATABASE_URL');
  if (url === undefined) return { kind: 'sqlite', path: sqlitePath };
  // Only the scheme of a wrong value is shown: without `//` (`shop:secret@host/db`) nothing
  // else tells its password from a path.
  const refused = (got: string) => new ConfigError('DATABASE_URL', `must be a postgres:// URL, got ${got}`);
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw refused('a value that is not a URL');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') throw refused(`a URL whose scheme is "${protocol}"`);
  return {
    kind: 'postgres',
    url,
    poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
    connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 1, 600_000),
  };
}

/** The reconciler (services/reconciler.ts): when it asks Latipay about orders nobody came back for. */
export interface ReconcileConfig {
  /** At most this many Latipay queries a second, per instance; 0 turns the reconciler off. */
  maxQps: number;
  /** Delays after creation of the first queries of an unpaid order, in ms, ascending. */
  scheduleMs: number[];
  /** Then one query every this many ms until the order expires. */
  repeatMs: number;
  /** `failed` and `create_failed` orders are still queried for this long after creation. */
  failedWindowMs: number;
  /** How long an instance holds an order it is querying before another may take it. */
  leaseMs: number;
  /** On PostgreSQL: how often an instance looks for orders and refunds a stopped instance left half done. */
  recoverEveryMs: number;
}

/**
 * Unpaid orders become `expired` this long after creation (after one last query). Alipay's
 * cashier takes payment of a create_forex_trade_wap order for its timeout_rule, 12 h unless
 * Alipay configured the partner otherwise, and Latipay's gatewaydata sets none; an hour more
 * lets a payment made at the last minute reach Latipay before the last query.
 */
export const DEFAULT_ORDER_EXPIRES_AFTER_S = 13 * 3600;

function milliseconds(env: Env, name: string, fallback: number[]): number[] {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const parts = value.split(',').map((part) => part.trim());
  const numbers = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  if (numbers.some((n) => !Number.isSafeInteger(n) || n < 1) || numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) {
    throw new ConfigError(name, `must be ascending milliseconds separated by commas, got "${value}"`);
  }
  return numbers;
}

export function reconcileConfig(env: Env): ReconcileConfig {
  const minute = 60_000;
  return {
    maxQps: integer(env, 'RECONCILE_MAX_QPS', 5, 0, 1000),
    scheduleMs: milliseconds(env, 'RECONCILE_SCHEDULE_MS', [1, 2, 5, 10, 30].map((m) => m * minute)),
    repeatMs: integer(env, 'RECONCILE_REPEAT_MS', 60 * minute, 1, 7 * 24 * 60 * minute),
    failedWindowMs: integer(env, 'RECONCILE_FAILED_WINDOW_MS', 24 * 60 * minute, 0, 30 * 24 * 60 * minute),
    leaseMs: integer(env, 'RECONCILE_LEASE_MS', minute, 100, 60 * minute),
    recoverEveryMs: integer(env, 'RECOVER_INTERRUPTED_EVERY_MS', minute, 100, 60 * minute),
  };
}

/** GET /metrics: behind a bearer token on the API's port, or alone on its own port, or both; null: off. */
export interface MetricsConfig {
  token: string | null;
  port: number | null;
  /** Where METRICS_PORT listens (default 127.0.0.1). */
  host: string;
}

export function metricsConfig(env: Env, minTokenLength: number): MetricsConfig {
  const metricsToken = token(env, 'METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < minTokenLength) {
    throw new ConfigError('METRICS_TOKEN', `must be at least ${minTokenLength} characters`);
  }
  const port = optional(env, 'METRICS_PORT') === undefined ? null : integer(env, 'METRICS_PORT', 0, 0, 65535);
  return { token: metricsToken, port, host: token(env, 'METRICS_HOST') ?? '127.0.0.1' };
}

/** The merchant's dashboard at /admin. */
export interface DashboardConfig {
  /** An IANA time zone: how the dashboard shows times and which days its chart counts. */
  timeZone: string;
  /** How long a dashboard sign-in lasts. */
  sessionTtlS: number;
}

export function dashboardConfig(env: Env): DashboardConfig {
  const timeZone = optional(env, 'DASHBOARD_TIME_ZONE') ?? 'Pacific/Auckland';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError('DASHBOARD_TIME_ZONE', `must be an IANA time zone such as Pacific/Auckland, got "${timeZone}"`);
  }
  return { timeZone, sessionTtlS: integer(env, 'ADMIN_SESSION_TTL_S', 8 * 3600, 60, 30 * 24 * 3600) };
}
