import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { ALIPAY_SANDBOX_DEV } from '../../server/alipay-sandbox';
import { AlipayKeyError, parseAlipayKeys, parseAlipayPublicKey, parseAppPrivateKey } from '../../server/app/alipay/keys';

const appKey = createPrivateKey(ALIPAY_SANDBOX_DEV.appPrivateKey);
const pkcs8Pem = appKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const pkcs1Pem = appKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const pkcs8Base64 = appKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
const pkcs1Base64 = appKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
const appPublicPem = createPublicKey(appKey).export({ format: 'pem', type: 'spki' }).toString();

const alipayKey = createPublicKey(ALIPAY_SANDBOX_DEV.alipayPublicKey);
const spkiPem = alipayKey.export({ format: 'pem', type: 'spki' }).toString();
const spkiBase64 = alipayKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** The key signs, and the app's public key verifies: it is the same key. */
function signsAsTheAppKey(privateKey: string): boolean {
  const signature = createSign('RSA-SHA256').update('probe').sign(privateKey, 'base64');
  return createVerify('RSA-SHA256').update('probe').verify(appPublicPem, signature, 'base64');
}

/** The AlipayKeyError thrown, checked not to quote the text it was given. */
function keyError(parse: () => unknown, text: string): string {
  let thrown: unknown;
  try {
    parse();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(AlipayKeyError);
  const { message } = thrown as AlipayKeyError;
  for (const line of text.split('\n').filter((l) => l.length >= 12 && !l.startsWith('-----'))) expect(message).not.toContain(line);
  expect(message).not.toMatch(/[A-Za-z0-9+/]{24}/);
  return message;
}

describe('parseAppPrivateKey', () => {
  it.each([
    ['a PKCS1 PEM', pkcs1Pem, 'PKCS1', /^-----BEGIN RSA PRIVATE KEY-----\n/],
    ['a PKCS8 PEM', pkcs8Pem, 'PKCS8', /^-----BEGIN PRIVATE KEY-----\n/],
    ['bare base64 of PKCS8 (the key tool default)', pkcs8Base64, 'PKCS8', /^-----BEGIN PRIVATE KEY-----\n/],
    ['bare base64 of PKCS1', pkcs1Base64, 'PKCS1', /^-----BEGIN RSA PRIVATE KEY-----\n/],
    ['a PEM on one line with \\n written out', pkcs1Pem.replace(/\n/g, '\\n'), 'PKCS1', /^-----BEGIN RSA PRIVATE KEY-----\n/],
    ['base64 wrapped over lines with spaces around', `  ${pkcs8Base64.replace(/(.{64})/g, '$1\r\n')}  `, 'PKCS8', /^-----BEGIN PRIVATE KEY-----\n/],
  ])('reads %s', (_name, text, keyType, pem) => {
    const parsed = parseAppPrivateKey(text);
    expect(parsed.keyType).toBe(keyType);
    expect(parsed.privateKey).toMatch(pem);
    expect(parsed.privateKey.endsWith('-----')).toBe(true);
    expect(signsAsTheAppKey(parsed.privateKey)).toBe(true);
  });

  it('refuses garbage, saying so without the text', () => {
    const text = 'this-is-not-a-key but it is long enough to be quoted';
    expect(keyError(() => parseAppPrivateKey(text), text)).toBe('ALIPAY_PRIVATE_KEY is neither a PEM nor base64');
  });

  it('refuses base64 that is not a key', () => {
    const text = Buffer.from('not a DER key at all, just some bytes to encode').toString('base64');
    expect(keyError(() => parseAppPrivateKey(text), text)).toBe('ALIPAY_PRIVATE_KEY is not an RSA private key (PKCS1 or PKCS8)');
  });

  it('refuses a truncated key', () => {
    const text = pkcs8Base64.slice(0, 800);
    expect(keyError(() => parseAppPrivateKey(text), text)).toBe('ALIPAY_PRIVATE_KEY is not an RSA private key (PKCS1 or PKCS8)');
  });

  it('gives a PKCS1 PEM for PKCS8 content labelled RSA PRIVATE KEY (OpenSSL reads it), never a mismatch', () => {
    const parsed = parseAppPrivateKey(pkcs8Pem.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY'));
    expect(parsed).toEqual({ privateKey: pkcs1Pem.trim(), keyType: 'PKCS1' });
  });

  it('refuses a public key, naming the mix-up', () => {
    expect(keyError(() => parseAppPrivateKey(spkiBase64), spkiBase64)).toBe("ALIPAY_PRIVATE_KEY is a public key; it must be the app's private key");
    expect(keyError(() => parseAppPrivateKey(spkiPem), spkiPem)).toMatch(/is a PEM "PUBLIC KEY", not the app's private key/);
  });

  it('refuses an encrypted key', () => {
    const encrypted = appKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
    expect(keyError(() => parseAppPrivateKey(encrypted), encrypted)).toMatch(/encrypted PEM/);
  });

  it('refuses a half PEM', () => {
    const text = pkcs8Pem.split('-----END')[0];
    expect(keyError(() => parseAppPrivateKey(text), text)).toMatch(/not a complete PEM/);
  });

  it('refuses keys that cannot sign RSA2', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(keyError(() => parseAppPrivateKey(small), small)).toMatch(/RSA 1024 key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(keyError(() => parseAppPrivateKey(ec), ec)).toMatch(/not an RSA key/);
  });

  it('names the setting it is given', () => {
    expect(() => parseAppPrivateKey('???', 'MY_KEY')).toThrow(/^MY_KEY /);
  });
});

describe('parseAlipayPublicKey', () => {
  it.each([
    ['an SPKI PEM', spkiPem],
    ['bare base64 of SPKI (as the Open Platform shows it)', spkiBase64],
    ['a PKCS1 PEM', alipayKey.export({ format: 'pem', type: 'pkcs1' }).toString()],
    ['a PEM on one line with \\n written out', spkiPem.replace(/\n/g, '\\n')],
  ])('reads %s as an SPKI PEM', (_name, text) => {
    expect(parseAlipayPublicKey(text)).toBe(spkiPem.trim());
  });

  it('refuses garbage without quoting it', () => {
    const text = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA-truncated!';
    expect(keyError(() => parseAlipayPublicKey(text), text)).toBe('ALIPAY_PUBLIC_KEY is neither a PEM nor base64');
  });

  it('refuses a private key, naming the mix-up', () => {
    expect(keyError(() => parseAlipayPublicKey(pkcs8Base64), pkcs8Base64)).toBe("ALIPAY_PUBLIC_KEY is a private key; it must be Alipay's public key");
  });

  it('refuses a certificate (the public-key mode is used)', () => {
    const text = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(keyError(() => parseAlipayPublicKey(text), text)).toMatch(/is a certificate/);
  });
});

describe('parseAlipayKeys', () => {
  it('gives what AlipayIdentity takes', () => {
    const keys = parseAlipayKeys({ privateKey: pkcs8Base64, alipayPublicKey: spkiBase64 });
    expect(keys).toEqual({ privateKey: pkcs8Pem.trim(), keyType: 'PKCS8', alipayPublicKey: spkiPem.trim() });
  });

  it("refuses the app's own public key as Alipay's", () => {
    expect(() => parseAlipayKeys({ privateKey: pkcs1Pem, alipayPublicKey: appPublicPem })).toThrow(/ALIPAY_PUBLIC_KEY is the app's own public key/);
  });
});
