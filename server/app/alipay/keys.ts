import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * The settings' Alipay keys, in the form alipay-sdk takes them. Alipay's key tool (and the Open
 * Platform's "接口加签方式" page) gives keys as bare base64 or PEM; the app private key is PKCS8
 * by default, PKCS1 after the tool's format conversion (https://opendocs.alipay.com/common/02kipk).
 * alipay-sdk 4.14 parses `privateKey` as PKCS1 unless `keyType: 'PKCS8'`: it drops a first and
 * last line naming the type and re-wraps the rest, so the type must match the key exactly.
 */
export type AppKeyType = 'PKCS1' | 'PKCS8';

export interface AppPrivateKey {
  /** PEM of `keyType`. */
  privateKey: string;
  keyType: AppKeyType;
}

/** A key that cannot be used; the message says why and never contains the key text. */
export class AlipayKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlipayKeyError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const RSA2_MIN_BITS = 2048;

/** .env files often hold a PEM on one line with `\n` written out. */
function normalise(text: string): string {
  return text.replace(/\\r\\n|\\n/g, '\n').trim();
}

type Decoded = { label: string | null; der: Buffer } | { problem: string };

/** A PEM's label and DER, or the DER of bare base64. */
function decode(text: string): Decoded {
  const pem = PEM_BLOCK.exec(text);
  const label = pem ? pem[1] : null;
  let body = pem ? pem[2] : text;
  if (pem && /Proc-Type:|DEK-Info:/.test(body)) return { problem: 'is an encrypted PEM; give the key without a passphrase' };
  if (!pem && text.includes('-----')) return { problem: 'is not a complete PEM (BEGIN and END lines must match)' };
  body = body.replace(/\s+/g, '');
  if (body === '' || !BASE64.test(body)) return { problem: 'is neither a PEM nor base64' };
  return { label, der: Buffer.from(body, 'base64') };
}

function tryKey<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

function checkRsa2(key: KeyObject, setting: string): void {
  if (key.asymmetricKeyType !== 'rsa') throw new AlipayKeyError(`${setting} is not an RSA key (Alipay's RSA2 signing needs RSA 2048)`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA2_MIN_BITS) throw new AlipayKeyError(`${setting} is an RSA ${bits} key; Alipay's RSA2 signing needs RSA 2048`);
}

function looksLikePublicKey(der: Buffer): boolean {
  return tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) !== undefined
    || tryKey(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })) !== undefined;
}

/**
 * ALIPAY_PRIVATE_KEY: the app's private key as a PEM (`RSA PRIVATE KEY`: PKCS1, `PRIVATE KEY`:
 * PKCS8) or bare base64 of either (PKCS8 tried first, then PKCS1).
 */
export function parseAppPrivateKey(text: string, setting = 'ALIPAY_PRIVATE_KEY'): AppPrivateKey {
  const decoded = decode(normalise(text));
  if ('problem' in decoded) throw new AlipayKeyError(`${setting} ${decoded.problem}`);
  const { label, der } = decoded;
  if (label !== null && label !== 'PRIVATE KEY' && label !== 'RSA PRIVATE KEY') {
    if (label === 'ENCRYPTED PRIVATE KEY') throw new AlipayKeyError(`${setting} is an encrypted PEM; give the key without a passphrase`);
    throw new AlipayKeyError(`${setting} is a PEM "${label}", not the app's private key (PRIVATE KEY or RSA PRIVATE KEY)`);
  }
  const types: AppKeyType[] = label === 'PRIVATE KEY' ? ['PKCS8'] : label === 'RSA PRIVATE KEY' ? ['PKCS1'] : ['PKCS8', 'PKCS1'];
  for (const keyType of types) {
    const type = keyType === 'PKCS8' ? 'pkcs8' : 'pkcs1';
    const key = tryKey(() => createPrivateKey({ key: der, format: 'der', type }));
    if (key) {
      checkRsa2(key, setting);
      // Trimmed: alipay-sdk keeps a last line that is not the END line (a trailing newline's '').
      return { privateKey: key.export({ format: 'pem', type }).toString().trim(), keyType };
    }
  }
  if (label === null && looksLikePublicKey(der)) {
    throw new AlipayKeyError(`${setting} is a public key; it must be the app's private key`);
  }
  throw new AlipayKeyError(`${setting} is not an RSA private key (PKCS1 or PKCS8)`);
}

/** ALIPAY_PUBLIC_KEY: Alipay's public key as a PEM or bare base64 (SPKI; PKCS1 also taken). Returns SPKI PEM. */
export function parseAlipayPublicKey(text: string, setting = 'ALIPAY_PUBLIC_KEY'): string {
  const decoded = decode(normalise(text));
  if ('problem' in decoded) throw new AlipayKeyError(`${setting} ${decoded.problem}`);
  const { label, der } = decoded;
  if (label === 'CERTIFICATE') {
    throw new AlipayKeyError(`${setting} is a certificate; this server uses the public-key mode: give the Alipay public key (支付宝公钥)`);
  }
  if (label !== null && label !== 'PUBLIC KEY' && label !== 'RSA PUBLIC KEY') {
    throw new AlipayKeyError(`${setting} is a PEM "${label}", not Alipay's public key (PUBLIC KEY)`);
  }
  // First: createPublicKey would quietly derive a public key from a private one.
  const isPrivate =
    tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ?? tryKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
  if (isPrivate) throw new AlipayKeyError(`${setting} is a private key; it must be Alipay's public key`);
  const key =
    (label !== 'RSA PUBLIC KEY' ? tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) : undefined) ??
    (label !== 'PUBLIC KEY' ? tryKey(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })) : undefined);
  if (!key) throw new AlipayKeyError(`${setting} is not an RSA public key`);
  checkRsa2(key, setting);
  return key.export({ format: 'pem', type: 'spki' }).toString().trim();
}

/**
 * Both keys, and the usual mix-up caught: ALIPAY_PUBLIC_KEY set to the app's own public key
 * (the one uploaded to Alipay) instead of the "支付宝公钥" Alipay shows next to it.
 */
export function parseAlipayKeys(settings: { privateKey: string; alipayPublicKey: string }): AppPrivateKey & { alipayPublicKey: string } {
  const app = parseAppPrivateKey(settings.privateKey);
  const alipayPublicKey = parseAlipayPublicKey(settings.alipayPublicKey);
  const appPublicKey = createPublicKey(app.privateKey).export({ format: 'pem', type: 'spki' }).toString().trim();
  if (appPublicKey === alipayPublicKey) {
    throw new AlipayKeyError("ALIPAY_PUBLIC_KEY is the app's own public key; it must be the Alipay public key shown on the Open Platform");
  }
  return { ...app, alipayPublicKey };
}
