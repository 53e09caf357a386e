/** The sandbox's one merchant account and its notification settings. */
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

const CURRENCIES = ['NZD', 'AUD', 'CNY'];
const USER_ID = /^U[A-Za-z0-9]{1,63}$/;
const WALLET_ID = /^W[A-Za-z0-9]{1,63}$/;
const API_KEY = /^[\x21-\x7e]{1,256}$/;
const MAX_INTERVAL_MS = 3_600_000;

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Checks a complete set of options. Errors name the option, never its value: the api key
 * must not reach an error message.
 */
export function validateSandboxOptions(opts: SandboxOptions, names: Record<keyof SandboxOptions, string>): void {
  const fail = (key: keyof SandboxOptions, rule: string): never => {
    throw new Error(`${names[key]} ${rule}`);
  };
  if (typeof opts.userId !== 'string' || !USER_ID.test(opts.userId)) fail('userId', 'must be "U" followed by letters or digits');
  if (typeof opts.walletId !== 'string' || !WALLET_ID.test(opts.walletId)) fail('walletId', 'must be "W" followed by letters or digits');
  if (typeof opts.apiKey !== 'string' || !API_KEY.test(opts.apiKey)) fail('apiKey', 'must be 1 to 256 printable characters without spaces');
  if (!CURRENCIES.includes(opts.currency)) fail('currency', `must be one of ${CURRENCIES.join(', ')}`);
  if (!isIntegerIn(opts.retryMs, 1, MAX_INTERVAL_MS)) fail('retryMs', `must be an integer from 1 to ${MAX_INTERVAL_MS}`);
  if (!isIntegerIn(opts.maxAttempts, 1, 1000)) fail('maxAttempts', 'must be an integer from 1 to 1000');
  if (opts.notifyTimeoutMs !== undefined && !isIntegerIn(opts.notifyTimeoutMs, 1, MAX_INTERVAL_MS)) {
    fail('notifyTimeoutMs', `must be an integer from 1 to ${MAX_INTERVAL_MS}`);
  }
}

const OPTION_NAMES: Record<keyof SandboxOptions, string> = {
  userId: 'sandbox option userId',
  walletId: 'sandbox option walletId',
  apiKey: 'sandbox option apiKey',
  currency: 'sandbox option currency',
  retryMs: 'sandbox option retryMs',
  maxAttempts: 'sandbox option maxAttempts',
  notifyTimeoutMs: 'sandbox option notifyTimeoutMs',
};

/** Fills in the development defaults and validates. */
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
  validateSandboxOptions(opts, OPTION_NAMES);
  return opts;
}

const ENV_NAMES: Record<keyof SandboxOptions, string> = {
  userId: 'LATIPAY_USER_ID',
  walletId: 'LATIPAY_WALLET_ID',
  apiKey: 'LATIPAY_API_KEY',
  currency: 'LATIPAY_CURRENCY',
  retryMs: 'SANDBOX_RETRY_MS',
  maxAttempts: 'SANDBOX_MAX_ATTEMPTS',
  notifyTimeoutMs: 'SANDBOX_NOTIFY_TIMEOUT_MS',
};

/** An empty variable counts as unset (a blank line in a .env file). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function envInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,10}$/.test(raw)) throw new Error(`${name} must be a positive integer (milliseconds or a count)`);
  return Number(raw);
}

/**
 * Reads the sandbox's account and settings from the environment. The three credentials
 * come together or not at all: a real user id with the development key would only confuse.
 */
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv): SandboxOptions {
  const userId = envValue(env, ENV_NAMES.userId);
  const walletId = envValue(env, ENV_NAMES.walletId);
  const apiKey = envValue(env, ENV_NAMES.apiKey);
  const given = [userId, walletId, apiKey].filter((v) => v !== undefined).length;
  if (given > 0 && given < 3) {
    const missing = (['userId', 'walletId', 'apiKey'] as const).filter((k) => envValue(env, ENV_NAMES[k]) === undefined);
    throw new Error(
      `${missing.map((k) => ENV_NAMES[k]).join(' and ')} must be set too: set LATIPAY_USER_ID, LATIPAY_WALLET_ID and LATIPAY_API_KEY together, or none of them for the development defaults`,
    );
  }
  const opts: SandboxOptions = {
    userId: userId ?? SANDBOX_DEV_CREDENTIALS.userId,
    walletId: walletId ?? SANDBOX_DEV_CREDENTIALS.walletId,
    apiKey: apiKey ?? SANDBOX_DEV_CREDENTIALS.apiKey,
    currency: envValue(env, ENV_NAMES.currency) ?? SANDBOX_DEV_CREDENTIALS.currency,
    retryMs: envInteger(env, ENV_NAMES.retryMs, DEFAULT_RETRY_MS),
    maxAttempts: envInteger(env, ENV_NAMES.maxAttempts, DEFAULT_MAX_ATTEMPTS),
    notifyTimeoutMs: envInteger(env, ENV_NAMES.notifyTimeoutMs, DEFAULT_NOTIFY_TIMEOUT_MS),
  };
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
