import { API_BASE_URLS } from '../config/env';

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
