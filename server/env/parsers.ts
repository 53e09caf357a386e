/**
 * Readers for single environment settings, shared by the merchant backend and the Latipay
 * sandbox. Each throws ConfigError naming the setting. Values are trimmed; an empty value
 * counts as unset (a blank line in a .env file).
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`${setting}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** The currencies a Latipay wallet can hold. */
export const CURRENCIES = ['NZD', 'AUD', 'CNY'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The setting's value, or undefined when unset or empty. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A value with no whitespace inside (ids, keys, tokens). */
export function token(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && /\s/.test(value)) throw new ConfigError(name, 'must not contain whitespace');
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

export function flag(env: Env, name: string): boolean {
  const value = optional(env, name);
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError(name, `must be 1 or 0, got "${value}"`);
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/**
 * A URL as it may be printed: user and password replaced by `***`, so that a setting such
 * as `https://user:secret@host` never reaches a log line or an error message whole.
 */
export function printableUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not parseable: anything between `//` and `@` may still be credentials.
    return value.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  // `user:secret@host` without a scheme parses as the scheme `user:`, its credentials in the path.
  if (url.host === '' && value.includes('@')) return `***@${value.slice(value.lastIndexOf('@') + 1)}`;
  return url.href;
}

/** An http(s) base URL without credentials, query or fragment, returned without its trailing slash. */
export function baseUrl(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${printableUrl(value)}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(name, `must be an http(s) URL without credentials, query or fragment, got "${printableUrl(value)}"`);
  }
  return url.href.replace(/\/+$/, '');
}
