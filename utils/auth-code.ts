import { isPaymentMode } from './api-guards';
import { deviceId } from './device-id';
import { currentEnvVersion } from './env-version';
import type { RequestFn } from './request';

/** my.getAuthCode failed (the IDE without an appId, no network…): Alipay gave no code. */
export class AuthCodeError extends Error {
  readonly isAuthCodeError = true;
  /** my.getAuthCode's `fail` error number, when it gave one. */
  readonly alipayError: number | null;

  constructor(message: string, alipayError: number | null = null) {
    super(message);
    Object.setPrototypeOf(this, AuthCodeError.prototype);
    this.name = 'AuthCodeError';
    this.alipayError = alipayError;
  }
}

/**
 * A code for the backend to learn who the shopper is, from a silent Alipay login:
 * scope `auth_base` shows no prompt and no login screen
 * (https://opendocs.alipay.com/mini/api/openapi-authorize). The code works once, briefly.
 * Alipay asks not to call this from lifecycles that repeat, such as onShow.
 */
export function getAuthCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    my.getAuthCode({
      scopes: 'auth_base',
      success: (res) => {
        const code = res ? res.authCode : undefined;
        if (typeof code === 'string' && code !== '') resolve(code);
        else reject(new AuthCodeError('my.getAuthCode succeeded without an authCode'));
      },
      fail: (err) => {
        const error = err && typeof err.error === 'number' ? err.error : null;
        reject(new AuthCodeError((err && err.errorMessage) || 'my.getAuthCode failed', error));
      },
    });
  });
}

/**
 * The code to sign in with: Alipay's, or, when Alipay gives none to a develop build talking to
 * a backend on the sandbox (the IDE without an appId), `sandbox:<device id>`: a sandbox shopper
 * of this device. A trial or release build never uses it, whatever the backend says.
 */
export async function authCodeOrSandboxCode(send: RequestFn): Promise<string> {
  try {
    return await getAuthCode();
  } catch (error) {
    if (await maySignInAsSandboxShopper(send)) return `sandbox:${deviceId()}`;
    throw error;
  }
}

async function maySignInAsSandboxShopper(send: RequestFn): Promise<boolean> {
  if (currentEnvVersion() !== 'develop') return false;
  try {
    const health = await send({ method: 'GET', path: '/healthz' });
    return isPaymentMode(health.mode) && health.mode === 'sandbox';
  } catch {
    return false;
  }
}
