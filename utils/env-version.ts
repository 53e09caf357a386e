import { API_BASE_URLS } from '../config/env';

// Which version of the mini program runs (develop / trial / release), and so which of the
// backend URLs in config/env.ts (the one place they are set) it talks to.

export type EnvVersion = keyof typeof API_BASE_URLS;

/** `gray` (staged rollout) and anything unknown count as release. */
export function currentEnvVersion(): EnvVersion {
  try {
    const version = my.getAccountInfoSync().miniProgram.envVersion;
    return version === 'develop' || version === 'trial' ? version : 'release';
  } catch {
    return 'release';
  }
}

export function apiBaseUrl(): string {
  return API_BASE_URLS[currentEnvVersion()].replace(/\/+$/, '');
}
