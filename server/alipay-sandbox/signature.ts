import { createSign, createVerify, type KeyObject } from 'node:crypto';

/**
 * The text an OpenAPI v2 request signature covers (https://opendocs.alipay.com/common/02kf5q):
 * every parameter but `sign`, empty values left out, sorted by name, `name=value` joined by
 * `&`, values raw (decoded, not URL-encoded). `sign_type` is part of it.
 */
export function requestSignContent(params: ReadonlyMap<string, string>): string {
  return [...params.keys()]
    .filter((name) => name !== 'sign' && params.get(name) !== '')
    .sort()
    .map((name) => `${name}=${params.get(name)}`)
    .join('&');
}

/** RSA2: SHA256withRSA, signature in base64. */
export function verifyRsa2(content: string, signature: string, publicKey: KeyObject): boolean {
  return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKey, signature, 'base64');
}

/**
 * An answer as Alipay sends it: `{"<key>":<value>,"sign":"..."}`, the signature covering the
 * exact JSON text of the value (https://opendocs.alipay.com/common/02mse7), so it is
 * serialised once and that text is both signed and sent.
 */
export function signedAnswer(key: string, value: Record<string, string | number>, alipayPrivateKey: KeyObject): string {
  const text = JSON.stringify(value);
  const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(alipayPrivateKey, 'base64');
  return `{${JSON.stringify(key)}:${text},"sign":${JSON.stringify(sign)}}`;
}
