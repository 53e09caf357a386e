import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { IdentityError } from './identity-error';
import type { AppKeyType } from './keys';
import { alipayRefusal, identityFailure } from './sdk-failure';

export interface AlipayIdentityOptions {
  appId: string;
  /** PEM or bare base64 of `keyType` (keys.ts gives both). */
  privateKey: string;
  keyType: AppKeyType;
  /** Alipay's public key (PEM or bare base64, SPKI): every answer is verified with it. */
  alipayPublicKey: string;
  /** Read per call: the in-process stand-in's URL is known only once the server listens. */
  gateway: () => string;
  /** The whole exchange: connect, send and the full answer. */
  timeoutMs: number;
}

const OAUTH_TOKEN = 'alipay.system.oauth.token';
/** Auth codes are 32 hex digits; a code the mini app could not have received is not sent. */
const PLAUSIBLE_CODE = /^[\x21-\x7e]{1,128}$/;
const OPEN_ID = /^[A-Za-z0-9_-]{1,128}$/;
const USER_ID = /^2088\d{12}$/;

/**
 * Who the shopper is: the auth code from my.getAuthCode exchanged with
 * alipay.system.oauth.token (https://opendocs.alipay.com/open/02ailc) through the official
 * alipay-sdk, every answer's signature verified. Failures are IdentityErrors (see
 * sdk-failure.ts for what the SDK throws). Logs nothing: the caller logs the IdentityError.
 *
 * alipay-sdk console.warns and skips verification when alipayPublicKey is empty: the
 * constructor refuses an empty or unusable key, so that never happens. Its only other output
 * is debuglog, printed with NODE_DEBUG=alipay-sdk alone (it would print signed requests).
 */
export class AlipayIdentity {
  private client: { gateway: string; sdk: AlipaySdk } | undefined;
  private readonly alipayPublicKeyPem: string;

  constructor(private readonly options: AlipayIdentityOptions) {
    if (!/^\S{1,32}$/.test(options.appId)) throw new Error('AlipayIdentity: appId must be 1 to 32 characters without spaces');
    if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs < 1) throw new Error('AlipayIdentity: timeoutMs must be a positive integer');
    if (!options.privateKey || !options.alipayPublicKey) throw new Error('AlipayIdentity: privateKey and alipayPublicKey are required');
    // The keys as the SDK re-wraps them: a PKCS1 key given as PKCS8 (or the reverse) fails here, not on every call.
    const { config } = this.sdk('https://openapi.alipay.com/gateway.do');
    try {
      createPrivateKey(config.privateKey);
    } catch {
      throw new Error(`AlipayIdentity: privateKey is not a ${options.keyType} RSA private key`);
    }
    try {
      this.alipayPublicKeyPem = createPublicKey(config.alipayPublicKey ?? '').export({ format: 'pem', type: 'spki' }).toString();
    } catch {
      throw new Error('AlipayIdentity: alipayPublicKey is not an SPKI public key');
    }
  }

  /** The buyer an auth code stands for: the answer's open_id, or its user_id when there is none. */
  async exchangeCode(code: string): Promise<{ buyerId: string }> {
    if (!PLAUSIBLE_CODE.test(code)) throw new IdentityError('invalid_code', 'the auth code is empty or malformed');
    const answer = (await this.callWithDeadline(code)) as Record<string, unknown>;
    // Some methods answer a refusal under their own key, signed like a success.
    if (answer.subCode !== undefined || (answer.code !== undefined && answer.code !== '10000')) throw alipayRefusal(answer);
    if (typeof answer.openId === 'string') {
      if (!OPEN_ID.test(answer.openId)) throw new IdentityError('invalid_answer', "Alipay's answer has a malformed open_id");
      return { buyerId: answer.openId };
    }
    if (typeof answer.userId === 'string') {
      if (!USER_ID.test(answer.userId)) throw new IdentityError('invalid_answer', "Alipay's answer has a malformed user_id");
      return { buyerId: answer.userId };
    }
    throw new IdentityError('invalid_answer', "Alipay's answer has neither open_id nor user_id");
  }

  private async callWithDeadline(code: string): Promise<unknown> {
    const { timeoutMs } = this.options;
    const call = this.sdk(this.options.gateway()).exec(OAUTH_TOKEN, { grantType: 'authorization_code', code }, { validateSign: true });
    let timer: NodeJS.Timeout | undefined;
    // urllib applies its timeout to the headers and to the body separately: this is for the whole call.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new IdentityError('unavailable', `Alipay did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([call, deadline]);
    } catch (err) {
      throw identityFailure(err, this.alipayPublicKeyPem, timeoutMs);
    } finally {
      clearTimeout(timer);
      call.catch(() => undefined);
    }
  }

  /** One SDK per gateway URL, made when the URL changes. */
  private sdk(gateway: string): AlipaySdk {
    if (this.client?.gateway !== gateway) {
      const config: AlipaySdkConfig = {
        appId: this.options.appId,
        privateKey: this.options.privateKey,
        keyType: this.options.keyType,
        alipayPublicKey: this.options.alipayPublicKey,
        gateway,
        timeout: this.options.timeoutMs,
        signType: 'RSA2',
      };
      this.client = { gateway, sdk: new AlipaySdk(config) };
    }
    return this.client.sdk;
  }
}
