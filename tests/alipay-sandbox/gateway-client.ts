/**
 * Raw requests to the Alipay stand-in, signed here independently of alipay-sdk and of the
 * stand-in's own code, and its answers checked the way Alipay's are verified.
 */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { ALIPAY_SANDBOX_DEV } from '../../server/alipay-sandbox';

/** Where alipay-sdk puts a parameter: these in the URL query, the others in the form body. */
const QUERY_PARAMS = new Set(['app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version']);

export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** `yyyy-MM-dd HH:mm:ss`. */
export function gatewayTimestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function tokenParams(code: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    app_id: ALIPAY_SANDBOX_DEV.appId,
    method: 'alipay.system.oauth.token',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: gatewayTimestamp(),
    version: '1.0',
    grant_type: 'authorization_code',
    code,
    ...overrides,
  };
}

/** Alipay's rule: every parameter but sign, empty values left out, sorted, `k=v` joined by `&`, raw. */
export function sign(params: Record<string, string>, privateKey = ALIPAY_SANDBOX_DEV.appPrivateKey): Record<string, string> {
  const content = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return { ...params, sign: createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64') };
}

export interface GatewayAnswer {
  /** e.g. alipay_system_oauth_token_response or error_response. */
  key: string;
  value: Record<string, unknown>;
  /** Whether `sign` verifies over the exact text of the value. */
  verifies: boolean;
  raw: string;
  status: number;
}

export async function post(gateway: string, params: Record<string, string>, init: { method?: 'GET' | 'POST'; body?: string; contentType?: string } = {}): Promise<GatewayAnswer> {
  const url = new URL(gateway);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (QUERY_PARAMS.has(name) || init.method === 'GET') url.searchParams.append(name, value);
    else form.append(name, value);
  }
  const method = init.method ?? 'POST';
  const response = await fetch(url, {
    method,
    headers: method === 'POST' ? { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded;charset=UTF-8' } : {},
    body: method === 'POST' ? (init.body ?? form.toString()) : undefined,
  });
  const raw = await response.text();
  return { ...readAnswer(raw), raw, status: response.status };
}

/** An answer `{"<key>":<value>,"sign":"..."}`, its signature checked with the stand-in's "Alipay" public key. */
export function readAnswer(raw: string, alipayPublicKey = ALIPAY_SANDBOX_DEV.alipayPublicKey): Omit<GatewayAnswer, 'raw' | 'status'> {
  const match = /^\{"([a-z_]+)":(\{.*\}),"sign":"([A-Za-z0-9+/=]+)"\}$/s.exec(raw);
  if (!match) throw new Error(`not an Alipay answer: ${raw}`);
  const [, key, valueText, signature] = match;
  const verifies = createVerify('RSA-SHA256').update(valueText, 'utf8').verify(alipayPublicKey, signature, 'base64');
  return { key, value: JSON.parse(valueText) as Record<string, unknown>, verifies };
}
