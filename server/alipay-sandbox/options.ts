import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ALIPAY_SANDBOX_DEV, ALIPAY_SANDBOX_DEV_KEYS } from './dev-credentials';

export interface AlipaySandboxOptions {
  /** The app id requests must carry; default the development one, '2021000000000000'. */
  appId?: string;
  /** PEM (SPKI) that verifies the app's requests; default the development app's. */
  appPublicKey?: string;
  /** PEM (PKCS8 or PKCS1) that signs the answers; default the development "Alipay" key. */
  alipayPrivateKey?: string;
  /** One-time codes remembered as used; the oldest are forgotten past it. Default 10000. */
  maxUsedCodes?: number;
}

export interface AlipaySandboxSettings {
  appId: string;
  appPublicKey: KeyObject;
  alipayPrivateKey: KeyObject;
  maxUsedCodes: number;
}

/** Keys are parsed once, here; an error names the option, never the key text. */
export function resolveAlipaySandboxOptions(options: AlipaySandboxOptions = {}): AlipaySandboxSettings {
  const appId = options.appId ?? ALIPAY_SANDBOX_DEV.appId;
  if (!/^\S{1,32}$/.test(appId)) throw new Error('alipay sandbox: appId must be 1 to 32 characters without spaces');
  const maxUsedCodes = options.maxUsedCodes ?? 10_000;
  if (!Number.isSafeInteger(maxUsedCodes) || maxUsedCodes < 1) throw new Error('alipay sandbox: maxUsedCodes must be a positive integer');
  let appPublicKey: KeyObject;
  let alipayPrivateKey: KeyObject;
  try {
    appPublicKey = createPublicKey(options.appPublicKey ?? ALIPAY_SANDBOX_DEV_KEYS.appPublicKey);
  } catch {
    throw new Error('alipay sandbox: appPublicKey is not a PEM public key');
  }
  try {
    alipayPrivateKey = createPrivateKey(options.alipayPrivateKey ?? ALIPAY_SANDBOX_DEV_KEYS.alipayPrivateKey);
  } catch {
    throw new Error('alipay sandbox: alipayPrivateKey is not an unencrypted PEM private key');
  }
  if (appPublicKey.asymmetricKeyType !== 'rsa' || alipayPrivateKey.asymmetricKeyType !== 'rsa') {
    throw new Error('alipay sandbox: appPublicKey and alipayPrivateKey must be RSA keys (RSA2)');
  }
  return { appId, appPublicKey, alipayPrivateKey, maxUsedCodes };
}
