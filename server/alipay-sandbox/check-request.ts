import type { KeyObject } from 'node:crypto';
import { invalidArgument, missingArgument, type GatewayError } from './gateway-errors';
import { requestSignContent, verifyRsa2 } from './signature';

export const OAUTH_TOKEN_METHOD = 'alipay.system.oauth.token';

export interface GatewayIdentity {
  appId: string;
  appPublicKey: KeyObject;
}

export type CheckedRequest = { ok: true; code: string } | { ok: false; error: GatewayError };

/** Public parameters every request must carry, with the sub_code Alipay answers when one is missing. */
const REQUIRED: readonly [name: string, subCode: string][] = [
  ['app_id', 'isv.missing-app-id'],
  ['method', 'isv.missing-method'],
  ['sign_type', 'isv.missing-signature-type'],
  ['sign', 'isv.missing-signature'],
  ['timestamp', 'isv.missing-timestamp'],
  ['version', 'isv.missing-version'],
];

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `yyyy-MM-dd HH:mm:ss`, and a real date and time. */
export function isGatewayTimestamp(text: string): boolean {
  const parts = TIMESTAMP.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

function publicParameterError(params: ReadonlyMap<string, string>, gateway: GatewayIdentity): GatewayError | undefined {
  for (const [name, subCode] of REQUIRED) {
    if (!params.get(name)) return missingArgument(subCode, `the ${name} parameter is missing`);
  }
  if (params.get('app_id') !== gateway.appId) return invalidArgument('isv.invalid-app-id', 'no app has this app_id');
  if (params.get('method') !== OAUTH_TOKEN_METHOD) {
    return invalidArgument('isv.invalid-method', `the stand-in only answers ${OAUTH_TOKEN_METHOD}`);
  }
  if (params.get('sign_type') !== 'RSA2') return invalidArgument('isv.invalid-signature-type', 'sign_type must be RSA2');
  const charset = params.get('charset');
  if (charset && charset.toLowerCase() !== 'utf-8') return invalidArgument('isv.invalid-charset', 'charset must be utf-8');
  const format = params.get('format');
  if (format && format.toUpperCase() !== 'JSON') return invalidArgument('isv.invalid-format', 'format must be JSON');
  if (params.get('version') !== '1.0') return invalidArgument('isv.invalid-parameter', 'version must be 1.0');
  // Only the format: the SDK writes the machine's local time, and Alipay's clock is Beijing time.
  if (!isGatewayTimestamp(params.get('timestamp') ?? '')) {
    return invalidArgument('isv.invalid-timestamp', 'timestamp must be yyyy-MM-dd HH:mm:ss');
  }
  return undefined;
}

/** The gateway's checks, in order: public parameters, the signature, then the business ones. */
export function checkTokenRequest(params: ReadonlyMap<string, string>, gateway: GatewayIdentity): CheckedRequest {
  const publicError = publicParameterError(params, gateway);
  if (publicError) return { ok: false, error: publicError };
  const content = requestSignContent(params);
  if (!verifyRsa2(content, params.get('sign') ?? '', gateway.appPublicKey)) {
    // Alipay quotes the string it verified, to help find a signing mistake.
    const message = `the signature does not verify with the app public key; the gateway's string to sign was: ${content}`;
    return { ok: false, error: invalidArgument('isv.invalid-signature', message) };
  }
  const grantType = params.get('grant_type') ?? '';
  if (grantType !== 'authorization_code') {
    return { ok: false, error: invalidArgument('isv.grant-type-invalid', 'the stand-in supports grant_type authorization_code only') };
  }
  return { ok: true, code: params.get('code') ?? '' };
}
