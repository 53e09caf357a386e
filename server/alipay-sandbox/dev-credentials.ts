import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The development app id the stand-in accepts by default (not a real Alipay app). */
export const ALIPAY_SANDBOX_APP_ID = '2021000000000000';

/** Trimmed: alipay-sdk re-wraps a PEM line by line and expects the END line last. */
function devKey(file: string): string {
  return readFileSync(join(__dirname, 'dev-keys', file), 'utf8').trim();
}

/**
 * What the backend hands to alipay-sdk to reach the stand-in. Development values, public and
 * NOT secret (see dev-keys/README.md): never use them for a real Alipay app.
 */
export const ALIPAY_SANDBOX_DEV = Object.freeze({
  appId: ALIPAY_SANDBOX_APP_ID,
  /** PEM, PKCS8 (`-----BEGIN PRIVATE KEY-----`). */
  appPrivateKey: devKey('app-private-key.dev.pem'),
  keyType: 'PKCS8' as const,
  /** PEM, SPKI: verifies the stand-in's answers. */
  alipayPublicKey: devKey('alipay-public-key.dev.pem'),
});

/** The stand-in's own side of the development keys. */
export const ALIPAY_SANDBOX_DEV_KEYS = Object.freeze({
  /** Verifies the development app's requests. */
  appPublicKey: devKey('app-public-key.dev.pem'),
  /** Signs the stand-in's answers. */
  alipayPrivateKey: devKey('alipay-private-key.dev.pem'),
});
