import { AlipayRequestError } from 'alipay-sdk';
import { IdentityError } from './identity-error';
import { verifiedErrorResponse } from './signed-answer';

/** Alipay's sub_code for a code that is invalid, expired or already used (https://opendocs.alipay.com/open/02ailc). */
const INVALID_CODE_SUB_CODES: ReadonlySet<string> = new Set(['isv.code-invalid']);
/** Alipay's "Service Currently Unavailable": try again later (https://opendocs.alipay.com/common/02km9f). */
const UNAVAILABLE_CODE = '20000';
/** What a code, sub_code or socket error code may look like to be quoted in a message. */
const SAFE_TOKEN = /^[A-Za-z0-9._-]{1,64}$/;

function safe(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_TOKEN.test(value) ? value : undefined;
}

/** An Alipay error (error_response or the method's own answer, snake_case or camelCase). */
export function alipayRefusal(answer: Record<string, unknown>): IdentityError {
  const subCode = safe(answer.sub_code ?? answer.subCode);
  const code = safe(answer.code);
  if (subCode !== undefined && INVALID_CODE_SUB_CODES.has(subCode)) {
    return new IdentityError('invalid_code', `Alipay refused the auth code (${subCode})`, subCode);
  }
  if (code === UNAVAILABLE_CODE) return new IdentityError('unavailable', `Alipay is unavailable (${subCode ?? code})`, subCode);
  return new IdentityError('refused', `Alipay refused the request (${subCode ?? code ?? 'no sub_code'})`, subCode);
}

function socketErrorName(err: AlipayRequestError): string {
  const cause = err.cause as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  return safe(cause?.code) ?? safe(cause?.cause?.code) ?? safe(cause?.name) ?? 'request failed';
}

/**
 * What went wrong, from what alipay-sdk's exec(..., { validateSign: true }) threw. Read in
 * alipay-sdk 4.14's source (dist/commonjs/alipay.js: exec, #formatExecHttpResponse,
 * checkResponseSign, getSignStr) and checked against server/alipay-sandbox:
 * - A network error or timeout: AlipayRequestError with the socket error as `cause` and no
 *   `responseDataRaw`.
 * - An HTTP status other than 200: AlipayRequestError "HTTP 请求错误, status: N".
 * - An `error_response` (Alipay's answer to a used code, a bad signature, an unknown app id):
 *   the SDK looks for the signed text after `"alipay_system_oauth_token_response"`, which an
 *   error answer does not contain, so even a genuine one fails and it throws
 *   AlipayRequestError("验签失败…") with the answer in `responseDataRaw`. The error is read
 *   from there, once its signature verifies the way Alipay signs (the exact text of the
 *   error_response value). An unsigned answer makes the SDK throw a TypeError from
 *   node:crypto, with no answer to read.
 * - A success answer whose signature does not verify, or a malformed answer: AlipayRequestError
 *   with `responseDataRaw`. Its message quotes the answer (tokens included): never passed on.
 */
export function identityFailure(err: unknown, alipayPublicKey: string, timeoutMs: number): IdentityError {
  if (err instanceof IdentityError) return err;
  if (!(err instanceof AlipayRequestError)) return new IdentityError('invalid_answer', "Alipay's answer is unsigned or could not be read");
  const raw = err.responseDataRaw;
  if (raw === undefined) {
    const name = socketErrorName(err);
    if (/Timeout/i.test(name)) return new IdentityError('unavailable', `Alipay did not answer within ${timeoutMs} ms`);
    return new IdentityError('unavailable', `Alipay could not be reached (${name})`);
  }
  const status = /^HTTP .*status: (\d{3})/.exec(err.message);
  if (status) return new IdentityError('unavailable', `Alipay answered HTTP ${status[1]}`);
  const error = verifiedErrorResponse(raw, alipayPublicKey);
  if (error) return alipayRefusal(error);
  return new IdentityError('invalid_answer', "Alipay's answer is malformed or its signature does not verify");
}
