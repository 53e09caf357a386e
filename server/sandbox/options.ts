import { CURRENCIES, ConfigError, integer, oneOf, token, type Env } from '../env/parsers';

/** The sandbox's one merchant account, its notification settings and where it keeps its state. */
export interface SandboxOptions {
  userId: string;
  walletId: string;
  apiKey: string;
  /** The wallet's currency: a Latipay wallet has exactly one. */
  currency: string;
  /** Interval between notification attempts. */
  retryMs: number;
  /** Notification attempts per delivery, the first one included. */
  maxAttempts: number;
  /** Per-attempt HTTP timeout of a notification. */
  notifyTimeoutMs?: number;
  /**
   * SQLite file keeping orders, refunds, notification attempts and deliveries still owed
   * across restarts (created with its folder when missing). Absent or `:memory:`: in memory
   * only, nothing written to disk, everything forgotten when the sandbox closes.
   */
  databasePath?: string;
}

/** Development defaults, documented in the README: not a secret, never use them in production. */
export const SANDBOX_DEV_CREDENTIALS = Object.freeze({
  userId: 'U000000001',
  walletId: 'W000000001',
  apiKey: 'sandbox-dev-api-key',
  currency: 'NZD',
});

export const DEFAULT_RETRY_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 10;
export const DEFAULT_NOTIFY_TIMEOUT_MS = 5000;

const USER_ID = /^U[A-Za-z0-9]{1,63}$/;
const WALLET_ID = /^W[A-Za-z0-9]{1,63}$/;
const API_KEY = /^[\x21-\x7e]{1,256}$/;
const MAX_INTERVAL_MS = 3_600_000;

/** Allowed ranges of the numeric options, for both the environment and programmatic options. */
const RANGES = {
  retryMs: [1, MAX_INTERVAL_MS],
  maxAttempts: [1, 1000],
  notifyTimeoutMs: [1, MAX_INTERVAL_MS],
} as const;

type OptionNames = Record<keyof SandboxOptions, string>;

function isIntegerIn(value: number, [min, max]: readonly [number, number]): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Checks a complete set of options, throwing ConfigError with the option's name from `names`.
 * Errors never quote a value: the api key must not reach an error message.
 */
export function validateSandboxOptions(opts: SandboxOptions, names: OptionNames): void {
  const fail = (key: keyof SandboxOptions, rule: string): never => {
    throw new ConfigError(names[key], rule);
  };
  const rangeRule = (key: keyof typeof RANGES) => `must be an integer from ${RANGES[key][0]} to ${RANGES[key][1]}`;
  if (typeof opts.userId !== 'string' || !USER_ID.test(opts.userId)) fail('userId', 'must be "U" followed by letters or digits');
  if (typeof opts.walletId !== 'string' || !WALLET_ID.test(opts.walletId)) fail('walletId', 'must be "W" followed by letters or digits');
  if (typeof opts.apiKey !== 'string' || !API_KEY.test(opts.apiKey)) fail('apiKey', 'must be 1 to 256 printable characters without spaces');
  if (!(CURRENCIES as readonly string[]).includes(opts.currency)) fail('currency', `must be one of ${CURRENCIES.join(', ')}`);
  if (!isIntegerIn(opts.retryMs, RANGES.retryMs)) fail('retryMs', rangeRule('retryMs'));
  if (!isIntegerIn(opts.maxAttempts, RANGES.maxAttempts)) fail('maxAttempts', rangeRule('maxAttempts'));
  if (opts.notifyTimeoutMs !== undefined && !isIntegerIn(opts.notifyTimeoutMs, RANGES.notifyTimeoutMs)) {
    fail('notifyTimeoutMs', rangeRule('notifyTimeoutMs'));
  }
  const { databasePath } = opts;
  if (databasePath !== undefined && (typeof databasePath !== 'string' || databasePath === '' || databasePath.includes('\0'))) {
    fail('databasePath', 'must be a file path, or ":memory:"');
  }
}

const OPTION_NAMES: OptionNames = {
  userId: 'sandbox option userId',
  walletId: 'sandbox option walletId',
  apiKey: 'sandbox option apiKey',
  currency: 'sandbox option currency',
  retryMs: 'sandbox option retryMs',
  maxAttempts: 'sandbox option maxAttempts',
  notifyTimeoutMs: 'sandbox option notifyTimeoutMs',
  databasePath: 'sandbox option databasePath',
};

/** Programmatic options (startSandbox, sandboxPlugin): fills in the development defaults and validates. */
export function resolveSandboxOptions(partial: Partial<SandboxOptions> = {}): SandboxOptions {
  const opts: SandboxOptions = {
    userId: partial.userId ?? SANDBOX_DEV_CREDENTIALS.userId,
    walletId: partial.walletId ?? SANDBOX_DEV_CREDENTIALS.walletId,
    apiKey: partial.apiKey ?? SANDBOX_DEV_CREDENTIALS.apiKey,
    currency: partial.currency ?? SANDBOX_DEV_CREDENTIALS.currency,
    retryMs: partial.retryMs ?? DEFAULT_RETRY_MS,
    maxAttempts: partial.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    notifyTimeoutMs: partial.notifyTimeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS,
  };
  if (partial.databasePath !== undefined) opts.databasePath = partial.databasePath;
  validateSandboxOptions(opts, OPTION_NAMES);
  return opts;
}

const ENV_NAMES: OptionNames = {
  userId: 'LATIPAY_USER_ID',
  walletId: 'LATIPAY_WALLET_ID',
  apiKey: 'LATIPAY_API_KEY',
  currency: 'LATIPAY_CURRENCY',
  retryMs: 'SANDBOX_RETRY_MS',
  maxAttempts: 'SANDBOX_MAX_ATTEMPTS',
  notifyTimeoutMs: 'SANDBOX_NOTIFY_TIMEOUT_MS',
  databasePath: 'SANDBOX_DATABASE_PATH',
};

const CREDENTIALS = ['userId', 'walletId', 'apiKey'] as const;

/**
 * The three credentials come together or not at all: a real user id with the development key
 * would only confuse. None set: the development credentials.
 */
function credentialsFromEnv(env: Env): Pick<SandboxOptions, 'userId' | 'walletId' | 'apiKey'> {
  const given = {
    userId: token(env, ENV_NAMES.userId),
    walletId: token(env, ENV_NAMES.walletId),
    apiKey: token(env, ENV_NAMES.apiKey),
  };
  const set = CREDENTIALS.filter((key) => given[key] !== undefined).map((key) => ENV_NAMES[key]);
  const missing = CREDENTIALS.find((key) => given[key] === undefined);
  if (set.length === 0) {
    const { userId, walletId, apiKey } = SANDBOX_DEV_CREDENTIALS;
    return { userId, walletId, apiKey };
  }
  if (missing !== undefined) {
    throw new ConfigError(
      ENV_NAMES[missing],
      `must be set too when ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set: set LATIPAY_USER_ID, ` +
        'LATIPAY_WALLET_ID and LATIPAY_API_KEY together, or none of them for the development credentials',
    );
  }
  return given as Pick<SandboxOptions, 'userId' | 'walletId' | 'apiKey'>;
}

/**
 * Reads the sandbox's account and notification settings from the environment through the
 * parsers the backend uses (values trimmed, empty = unset), throwing ConfigError naming the
 * variable. SANDBOX_DATABASE_PATH is not read here: it belongs to `npm run sandbox`
 * (see sandboxDatabasePathFromEnv), while the backend chooses its in-process sandbox's file.
 */
export function sandboxOptionsFromEnv(env: Env): SandboxOptions {
  const opts: SandboxOptions = {
    ...credentialsFromEnv(env),
    currency: oneOf(env, ENV_NAMES.currency, CURRENCIES, 'NZD'),
    retryMs: integer(env, ENV_NAMES.retryMs, DEFAULT_RETRY_MS, ...RANGES.retryMs),
    maxAttempts: integer(env, ENV_NAMES.maxAttempts, DEFAULT_MAX_ATTEMPTS, ...RANGES.maxAttempts),
    notifyTimeoutMs: integer(env, ENV_NAMES.notifyTimeoutMs, DEFAULT_NOTIFY_TIMEOUT_MS, ...RANGES.notifyTimeoutMs),
  };
  // The formats of the ids and the key; the rest was checked while parsing.
  validateSandboxOptions(opts, ENV_NAMES);
  return opts;
}

/** True when the account is the documented development one. */
export function usesDevCredentials(opts: Pick<SandboxOptions, 'userId' | 'walletId' | 'apiKey'>): boolean {
  return (
    opts.userId === SANDBOX_DEV_CREDENTIALS.userId &&
    opts.walletId === SANDBOX_DEV_CREDENTIALS.walletId &&
    opts.apiKey === SANDBOX_DEV_CREDENTIALS.apiKey
  );
}
